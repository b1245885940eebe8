package main

import (
	"context"
	"io"

	"github.com/profhub/profhub/db"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/org"
)

func fillDemo(ctx context.Context, d *db.DB, o *org.Store, out io.Writer) error {
	return demo.Fill(ctx, demo.Env{DB: d, Org: o, Out: out})
}

func (c *cli) demo(args []string) error {
	return c.withAdmin("demo", args, 0, nil, func(ctx context.Context, a *admin, _ []string) error {
		return fillDemo(ctx, a.db, a.org, c.out)
	})
}
