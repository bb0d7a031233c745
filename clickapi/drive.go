package clickapi

import "context"

// ListSharedCloudDrives returns one page of the account's shared cloud
// drives (GET /sharedclouddrive/get_all). It uses opts.Name as the
// filter, a case-insensitive substring match; soft-deleted drives are
// left out.
func (c *Client) ListSharedCloudDrives(ctx context.Context, opts ListOptions) (*Collection[SharedCloudDrive], error) {
	return list[SharedCloudDrive](ctx, c, RouteSharedCloudDrives, "name", nil, opts)
}

// SharedCloudDrives walks every page of ListSharedCloudDrives.
func (c *Client) SharedCloudDrives(ctx context.Context, opts ListOptions) *Pager[SharedCloudDrive] {
	return pager(ctx, c, RouteSharedCloudDrives, opts, func(d SharedCloudDrive) string { return d.ID }, c.ListSharedCloudDrives)
}

// FindSharedCloudDrive returns the live shared cloud drive whose name
// equals name in any case, like FindProject.
func (c *Client) FindSharedCloudDrive(ctx context.Context, name string) (*SharedCloudDrive, error) {
	return findByName(ctx, "shared cloud drive", name, c.SharedCloudDrives(ctx, ListOptions{Name: name}),
		func(d SharedCloudDrive) string { return d.Name }, func(d SharedCloudDrive) string { return d.ID },
		func(d SharedCloudDrive) bool { return d.Deleted })
}
