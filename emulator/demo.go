package emulator

import (
	"strings"
)

// demoGroup is one group of the demo seed.
type demoGroup struct {
	name, description string
	inactive, deleted bool
	empty             bool // gets no members
}

// demoGroups are the demo seed's groups: a post-production and marketing
// outfit, a few inactive, two soft-deleted, two without members.
func demoGroups() []demoGroup {
	return []demoGroup{
		{name: "Design Team", description: "Users working on the creative project"},
		{name: "Post Production", description: "Editors, assistants and finishing"},
		{name: "Color Grading", description: "Colorists and DITs"},
		{name: "Marketing EMEA", description: "Campaigns for Europe, Middle East and Africa"},
		{name: "Marketing Americas", description: "Campaigns for North and South America"},
		{name: "Marketing APAC", description: "Campaigns for Asia-Pacific"},
		{name: "Finance", description: "Accounts payable, receivable and budgeting"},
		{name: "Legal", description: "Contracts and compliance"},
		{name: "Human Resources", description: "People operations"},
		{name: "IT Operations", description: "Workstations, storage and the Amove agent"},
		{name: "Sound Design", description: "Mixing, foley and sound effects"},
		{name: "Visual Effects", description: "Compositing, 3D and simulation"},
		{name: "Editorial", description: "Offline and online editors"},
		{name: "Motion Graphics", description: "Titles, lower thirds and animation"},
		{name: "Animation", description: "2D and 3D character animation"},
		{name: "Photography", description: "Stills, retouching and the photo library"},
		{name: "Social Media", description: "Short-form cuts for social channels"},
		{name: "Brand Studio", description: "Brand guidelines and templates"},
		{name: "Product Management", description: "Roadmaps and releases"},
		{name: "Engineering", description: "Pipeline tools and integrations"},
		{name: "QA", description: "Quality control of deliverables"},
		{name: "Customer Success", description: "Client onboarding and support"},
		{name: "Sales EMEA", description: "Account executives in EMEA"},
		{name: "Sales North America", description: "Account executives in North America"},
		{name: "Executive", description: "Leadership team"},
		{name: "Freelancers", description: "Contractors on current productions"},
		{name: "Interns", description: "Summer interns", inactive: true},
		{name: "Archive Managers", description: "Media archive and retention"},
		{name: "Localization", description: "Translation and dubbing"},
		{name: "Subtitling", description: "Captions and subtitles"},
		{name: "Broadcast Delivery", description: "Masters and broadcast specs"},
		{name: "Dailies", description: "Dailies ingest and sync", inactive: true},
		{name: "Camera Department", description: "Camera operators and ACs"},
		{name: "Art Department", description: "Production design and props"},
		{name: "Music Licensing", description: "Library music and clearances", empty: true},
		{name: "Rights & Clearances", description: "Talent releases and rights"},
		{name: "Studio Operations", description: "Facilities and bookings"},
		{name: "Render Farm Admins", description: "Render nodes and queues", empty: true},
		{name: "Remote Editors", description: "Editors working off-site"},
		{name: "Partner Agencies", description: "External agency collaborators", inactive: true},
		{name: "Training", description: "Onboarding courses", inactive: true},
		{name: "Legacy Editors", description: "Replaced by Editorial", inactive: true, deleted: true},
		{name: "Old Marketing", description: "Merged into the regional teams", deleted: true},
	}
}

// demoFirstNames and demoLastNames are combined into the demo users.
func demoFirstNames() []string {
	return []string{
		"Aaliyah", "Aarav", "Ada", "Alan", "Amara", "Ana", "Andrea", "Anika", "Ben", "Björn",
		"Camille", "Carlos", "Chen", "Chloé", "Daniel", "Dev", "Diego", "Elena", "Emeka", "Emma",
		"Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Isaac", "Ivan", "Jade", "James",
		"José", "Julia", "Kai", "Kenji", "Laila", "Leo", "Lina", "Lucas", "Maya", "Mateo",
		"Mei", "Mila", "Nadia", "Noah", "Nora", "Olivia", "Omar", "Priya", "Rafael", "Renée",
		"Ravi", "Sara", "Søren", "Sofia", "Tariq", "Theo", "Uma", "Victor", "Yara", "Zoë",
	}
}

// demoLastNames are the surnames of the demo users.
func demoLastNames() []string {
	return []string{
		"Adeyemi", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Campbell", "Chen", "Costa", "Dubois",
		"Evans", "Fischer", "Garcia", "Gonzalez", "Haddad", "Hansen", "Hughes", "Ibrahim", "Ito", "Jansen",
		"Kim", "Kowalski", "Kumar", "Larsen", "Laurent", "Lee", "Lopez", "Martin", "Moreau", "Müller",
		"Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Perez", "Petrov", "Quinn", "Rossi",
		"Santos", "Schmidt", "Silva", "Singh", "Sato", "Tanaka", "Taylor", "Thomas", "Wagner", "Walker",
		"Wang", "Weber", "Williams", "Wilson", "Wright", "Yamamoto", "Young", "Zhang", "Zimmermann", "Costa-Reyes",
	}
}

// Named demo users whose access the demo seed fixes (see demoSeed).
const (
	demoAda   = "ada.lovelace@example.com"
	demoGrace = "grace.hopper@example.com"
)

// demoGrant builds a permission of group name at level.
func demoGrant(name string, level int) SeedGrant {
	return SeedGrant{GroupName: name, PermissionType: level}
}

// demoUserGrant builds a permission of user username at level.
func demoUserGrant(username string, level int) SeedUserGrant {
	return SeedUserGrant{Username: username, PermissionType: level}
}

// demoSeed returns the demo dataset: about 40 groups, 300 users and their
// memberships, 10 live projects (and a soft-deleted one), 6 shared cloud
// drives, group permissions at Read (1) and ReadWrite (2) on each of them,
// and a few direct user permissions. It is the same every time (a
// fixed-seed splitmix64 drives every choice). Facts that tests and scripts
// rely on:
//
//   - grace.hopper@example.com is in Visual Effects, Marketing APAC and
//     Partner Agencies; she reaches "Feature Film: Harbor" only through
//     Visual Effects (ReadWrite) and "Trailer Cut" only through Marketing
//     APAC (Read); directly she has Read on "Podcast Season 3" and on the
//     drive "Media Archive";
//   - ada.lovelace@example.com is in Editorial and Training; she has
//     ReadWrite on "Brand Refresh" directly (no group of hers reaches it)
//     and Read on "Trailer Cut" directly, where Editorial gives ReadWrite;
//   - admin@example.com (the owner) has ReadWrite on "Annual Report" and on
//     the drive "Finance Docs" directly;
//   - "Pilot Episode" is soft-deleted: its Editorial permission is hidden.
func demoSeed() *SeedFile {
	rng := splitmix(0x5eed_c11c)
	sf := &SeedFile{}
	var withMembers []string
	for _, g := range demoGroups() {
		active := !g.inactive
		sf.Groups = append(sf.Groups, SeedGroup{Name: g.name, Description: g.description, Active: &active, Deleted: g.deleted})
		if !g.empty {
			withMembers = append(withMembers, g.name)
		}
	}

	sf.Users = append(sf.Users,
		SeedUser{Username: defaultUsername, Firstname: "Alex", Lastname: "Admin", UserType: typeDesktopAdmin, Owner: true, MFA: true},
		SeedUser{Username: demoAda, Firstname: "Ada", Lastname: "Lovelace", UserType: typeDesktopAdmin},
		SeedUser{Username: demoGrace, Firstname: "Grace", Lastname: "Hopper", UserType: typeDesktopCreativeUser},
		SeedUser{Username: "former.employee@example.com", Firstname: "Former", Lastname: "Employee", Status: userInactive, Deleted: true},
	)
	seen := map[string]bool{}
	for _, u := range sf.Users {
		seen[u.Username] = true
	}
	firsts, lasts := demoFirstNames(), demoLastNames()
	for len(sf.Users) < 300 {
		first, last := firsts[rng.intn(len(firsts))], lasts[rng.intn(len(lasts))]
		username := asciiFold(strings.ToLower(first)) + "." + asciiFold(strings.ToLower(last)) + "@example.com"
		if seen[username] {
			continue
		}
		seen[username] = true
		u := SeedUser{Username: username, Firstname: first, Lastname: last, MFA: rng.intn(5) == 0}
		switch r := rng.intn(100); {
		case r < 4:
			u.Status = userInactive
		case r < 7:
			u.Status = userPending
		}
		switch r := rng.intn(100); {
		case r < 3:
			u.UserType = typeDesktopAdmin
		case r < 15:
			u.UserType = typeDesktopCreativeUser
		}
		sf.Users = append(sf.Users, u)
	}

	for _, u := range sf.Users {
		n := 1 + rng.intn(4)
		picked := map[string]bool{}
		for len(picked) < n {
			name := withMembers[rng.intn(len(withMembers))]
			if picked[name] {
				continue
			}
			picked[name] = true
			sf.Memberships = append(sf.Memberships, SeedMembership{Username: u.Username, GroupName: name})
		}
	}

	inactive := false
	sf.Projects = []SeedProject{
		{Name: "Spring Campaign 2026", Description: "Multi-market launch campaign", Groups: []SeedGrant{
			demoGrant("Marketing EMEA", levelReadWrite), demoGrant("Marketing Americas", levelReadWrite), demoGrant("Design Team", levelReadWrite)}},
		{Name: "Documentary: Northern Lights", Description: "Feature documentary, 92 minutes", Groups: []SeedGrant{
			demoGrant("Post Production", levelReadWrite), demoGrant("Color Grading", levelReadWrite), demoGrant("Sound Design", levelReadWrite)}},
		{Name: "Brand Refresh", Description: "New identity and templates", Groups: []SeedGrant{
			demoGrant("Brand Studio", levelReadWrite), demoGrant("Design Team", levelReadWrite), demoGrant("Executive", levelRead)},
			Users: []SeedUserGrant{demoUserGrant(demoAda, levelReadWrite)}},
		{Name: "Feature Film: Harbor", Description: "Narrative feature in post", Groups: []SeedGrant{
			demoGrant("Editorial", levelReadWrite), demoGrant("Visual Effects", levelReadWrite), demoGrant("Color Grading", levelReadWrite), demoGrant("Subtitling", levelRead)}},
		{Name: "Product Launch Video", Description: "Hero video and cut-downs", Groups: []SeedGrant{
			demoGrant("Motion Graphics", levelReadWrite), demoGrant("Product Management", levelRead), demoGrant("Social Media", levelReadWrite)}},
		{Name: "Podcast Season 3", Description: "Twelve episodes, video and audio", Groups: []SeedGrant{
			demoGrant("Sound Design", levelReadWrite), demoGrant("Social Media", levelRead)},
			Users: []SeedUserGrant{demoUserGrant(demoGrace, levelRead)}},
		{Name: "Training Library", Description: "Internal how-to videos", Groups: []SeedGrant{
			demoGrant("Training", levelReadWrite), demoGrant("Human Resources", levelRead)}},
		{Name: "Annual Report", Description: "Financial report and film", Groups: []SeedGrant{
			demoGrant("Finance", levelReadWrite), demoGrant("Legal", levelRead), demoGrant("Design Team", levelReadWrite)},
			Users: []SeedUserGrant{demoUserGrant(defaultUsername, levelReadWrite)}},
		{Name: "Music Video: Static", Description: "Performance video", Groups: []SeedGrant{
			demoGrant("Camera Department", levelReadWrite), demoGrant("Editorial", levelReadWrite), demoGrant("Rights & Clearances", levelRead)}},
		{Name: "Trailer Cut", Description: "Theatrical and online trailers", Groups: []SeedGrant{
			demoGrant("Editorial", levelReadWrite), demoGrant("Marketing APAC", levelRead), demoGrant("Broadcast Delivery", levelReadWrite)},
			Users: []SeedUserGrant{demoUserGrant(demoAda, levelRead)}},
		{Name: "Pilot Episode", Description: "Cancelled before production", Active: &inactive, Deleted: true, Groups: []SeedGrant{
			demoGrant("Editorial", levelRead)}},
	}
	sf.Drives = []SeedDrive{
		{Name: "Media Archive", StorageName: "amove-media-archive", Prefix: "archive/", SyncType: 1, Groups: []SeedGrant{
			demoGrant("Archive Managers", levelReadWrite), demoGrant("Post Production", levelRead), demoGrant("Editorial", levelRead)},
			Users: []SeedUserGrant{demoUserGrant(demoGrace, levelRead)}},
		{Name: "Editorial Share", StorageName: "amove-editorial", Prefix: "editorial/", SyncType: 1, Groups: []SeedGrant{
			demoGrant("Editorial", levelReadWrite), demoGrant("Remote Editors", levelReadWrite), demoGrant("Post Production", levelReadWrite)}},
		{Name: "Finance Docs", StorageName: "amove-finance", Prefix: "docs/", SyncType: 2, Groups: []SeedGrant{
			demoGrant("Finance", levelReadWrite), demoGrant("Executive", levelRead), demoGrant("Legal", levelRead)},
			Users: []SeedUserGrant{demoUserGrant(defaultUsername, levelReadWrite)}},
		{Name: "Marketing Assets", StorageName: "amove-marketing", Prefix: "assets/", SyncType: 1, Groups: []SeedGrant{
			demoGrant("Marketing EMEA", levelReadWrite), demoGrant("Marketing Americas", levelReadWrite), demoGrant("Marketing APAC", levelReadWrite), demoGrant("Brand Studio", levelReadWrite)}},
		{Name: "Dailies Ingest", StorageName: "amove-dailies", Prefix: "ingest/", SyncType: 1, Groups: []SeedGrant{
			demoGrant("Dailies", levelReadWrite), demoGrant("Camera Department", levelReadWrite), demoGrant("Color Grading", levelRead)}},
		{Name: "Legal Vault", StorageName: "amove-legal", Prefix: "vault/", SyncType: 2, Groups: []SeedGrant{
			demoGrant("Legal", levelReadWrite), demoGrant("Rights & Clearances", levelReadWrite)}},
	}
	return sf
}

// asciiFold replaces the accented letters of the demo names with plain ones.
func asciiFold(s string) string {
	return strings.NewReplacer("é", "e", "ë", "e", "ö", "o", "ø", "o", "ü", "u", "-", "").Replace(s)
}

// splitmix is a splitmix64 generator: tiny, fast, and the same on every
// platform and Go version, which keeps the demo seed stable.
type splitmix uint64

// next returns the next 64 random bits.
func (r *splitmix) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n must be positive.
func (r *splitmix) intn(n int) int {
	return int(r.next() % uint64(n))
}
