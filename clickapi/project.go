package clickapi

import "context"

// ListProjects returns one page of the account's projects
// (GET /projects/get_all). It uses opts.Name as the filter, a
// case-insensitive substring match; soft-deleted projects are left out.
func (c *Client) ListProjects(ctx context.Context, opts ListOptions) (*Collection[Project], error) {
	return list[Project](ctx, c, RouteProjects, "name", nil, opts)
}

// Projects walks every page of ListProjects.
func (c *Client) Projects(ctx context.Context, opts ListOptions) *Pager[Project] {
	return pager(ctx, c, RouteProjects, opts, func(p Project) string { return p.ID }, c.ListProjects)
}

// FindProject returns the live project whose name equals name in any
// case. It reads every page of the name filter's matches. No such project
// is a *LookupError matching ErrNotFound; several are one matching
// ErrAmbiguous that lists their ids.
func (c *Client) FindProject(ctx context.Context, name string) (*Project, error) {
	return findByName(ctx, "project", name, c.Projects(ctx, ListOptions{Name: name}),
		func(p Project) string { return p.Name }, func(p Project) string { return p.ID }, func(p Project) bool { return p.Deleted })
}
