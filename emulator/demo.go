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

// demoProviders are the cloud providers of the demo drives.
const (
	providerS3     = "Amazon S3"
	providerWasabi = "Wasabi"
	providerGCS    = "Google Cloud Storage"
	providerAzure  = "Azure Blob Storage"
	providerB2     = "Backblaze B2"
)

// Permission shorthands of the demo grants.
const (
	permRead  = "r"
	permWrite = "rw"
	permAdmin = "rwa"
)

// demoGrant builds a grant of group name with a permission shorthand.
func demoGrant(name, perm string) SeedGrant {
	return SeedGrant{
		GroupName: name,
		Read:      strings.Contains(perm, "r"),
		Write:     strings.Contains(perm, "w"),
		Admin:     strings.Contains(perm, "a"),
	}
}

// demoSeed returns the demo dataset: about 40 groups, 300 users and their
// memberships, 10 projects and 6 shared cloud drives. It is the same every
// time (a fixed-seed splitmix64 drives every choice).
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
		SeedUser{Username: "ada.lovelace@example.com", Firstname: "Ada", Lastname: "Lovelace", UserType: typeDesktopAdmin},
		SeedUser{Username: "grace.hopper@example.com", Firstname: "Grace", Lastname: "Hopper", UserType: typeDesktopCreativeUser},
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

	sf.Projects = []SeedProject{
		{Name: "Spring Campaign 2026", Description: "Multi-market launch campaign", Groups: []SeedGrant{
			demoGrant("Marketing EMEA", permWrite), demoGrant("Marketing Americas", permWrite), demoGrant("Design Team", permAdmin)}},
		{Name: "Documentary: Northern Lights", Description: "Feature documentary, 92 minutes", Groups: []SeedGrant{
			demoGrant("Post Production", permAdmin), demoGrant("Color Grading", permWrite), demoGrant("Sound Design", permWrite)}},
		{Name: "Brand Refresh", Description: "New identity and templates", Groups: []SeedGrant{
			demoGrant("Brand Studio", permAdmin), demoGrant("Design Team", permWrite), demoGrant("Executive", permRead)}},
		{Name: "Feature Film: Harbor", Description: "Narrative feature in post", Groups: []SeedGrant{
			demoGrant("Editorial", permAdmin), demoGrant("Visual Effects", permWrite), demoGrant("Color Grading", permWrite), demoGrant("Subtitling", permRead)}},
		{Name: "Product Launch Video", Description: "Hero video and cut-downs", Groups: []SeedGrant{
			demoGrant("Motion Graphics", permWrite), demoGrant("Product Management", permRead), demoGrant("Social Media", permWrite)}},
		{Name: "Podcast Season 3", Description: "Twelve episodes, video and audio", Groups: []SeedGrant{
			demoGrant("Sound Design", permAdmin), demoGrant("Social Media", permRead)}},
		{Name: "Training Library", Description: "Internal how-to videos", Groups: []SeedGrant{
			demoGrant("Training", permAdmin), demoGrant("Human Resources", permRead)}},
		{Name: "Annual Report", Description: "Financial report and film", Groups: []SeedGrant{
			demoGrant("Finance", permAdmin), demoGrant("Legal", permRead), demoGrant("Design Team", permWrite)}},
		{Name: "Music Video: Static", Description: "Performance video", Groups: []SeedGrant{
			demoGrant("Camera Department", permWrite), demoGrant("Editorial", permWrite), demoGrant("Rights & Clearances", permRead)}},
		{Name: "Trailer Cut", Description: "Theatrical and online trailers", Groups: []SeedGrant{
			demoGrant("Editorial", permAdmin), demoGrant("Marketing APAC", permRead), demoGrant("Broadcast Delivery", permWrite)}},
	}
	sf.Drives = []SeedDrive{
		{Name: "Media Archive", Provider: providerS3, Groups: []SeedGrant{
			demoGrant("Archive Managers", permAdmin), demoGrant("Post Production", permRead), demoGrant("Editorial", permRead)}},
		{Name: "Editorial Share", Provider: providerWasabi, Groups: []SeedGrant{
			demoGrant("Editorial", permWrite), demoGrant("Remote Editors", permWrite), demoGrant("Post Production", permAdmin)}},
		{Name: "Finance Docs", Provider: providerGCS, Groups: []SeedGrant{
			demoGrant("Finance", permAdmin), demoGrant("Executive", permRead), demoGrant("Legal", permRead)}},
		{Name: "Marketing Assets", Provider: providerAzure, Groups: []SeedGrant{
			demoGrant("Marketing EMEA", permWrite), demoGrant("Marketing Americas", permWrite), demoGrant("Marketing APAC", permWrite), demoGrant("Brand Studio", permAdmin)}},
		{Name: "Dailies Ingest", Provider: providerB2, Groups: []SeedGrant{
			demoGrant("Dailies", permWrite), demoGrant("Camera Department", permWrite), demoGrant("Color Grading", permRead)}},
		{Name: "Legal Vault", Provider: providerS3, Groups: []SeedGrant{
			demoGrant("Legal", permAdmin), demoGrant("Rights & Clearances", permWrite)}},
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
