package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/profhub/profhub/crm"
)

// appeals manages what the administrator sets for appeal cards: the
// categories and their deadlines.
func (c *cli) appeals(args []string) error {
	_, args, err := action(args, "category")
	if err != nil {
		return err
	}
	return c.appealCategory(args)
}

func (c *cli) appealCategory(args []string) error {
	act, args, err := action(args, "add", "list", "update")
	if err != nil {
		return err
	}
	positional := 0
	if act == "update" {
		positional = 1
	}
	fs, load := c.flags("appeals category " + act)
	name := fs.String("name", "", "the category's name, e.g. \"Охрана труда\"")
	days := fs.Int("days", 0, "deadline (SLA) in days")
	working := fs.Bool("working-days", false, "count the deadline in working days (of the production calendar)")
	disabled := fs.Bool("disabled", false, "no longer offered for new appeals")
	all := fs.Bool("all", false, "list: disabled categories too")
	cfg, pos, err := c.parse(fs, load, args, positional)
	if err != nil {
		return err
	}
	return c.runAdmin(cfg, func(ctx context.Context, a *admin) error {
		store := crm.New(crm.Deps{DB: a.db}).AppealCategories
		switch act {
		case "list":
			cs, err := store.AppealCategories(ctx, a.sc, *all)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tDEADLINE\tDISABLED")
			for _, k := range cs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", k.ID, k.Name, slaText(k), k.Disabled)
			}
			return tw.Flush()
		case "add":
			k, err := store.CreateAppealCategory(ctx, a.sc, crm.AppealCategoryInput{Name: *name, SLADays: *days, WorkingDays: *working, Disabled: *disabled})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "created category %s: %s, %s\n", k.ID, k.Name, slaText(k))
			return nil
		default:
			k, err := store.FindAppealCategory(ctx, pos[0])
			if err != nil {
				return err
			}
			// Only the flags given change the category.
			in := k.AppealCategoryInput
			fs.Visit(func(f *flag.Flag) {
				switch f.Name {
				case "name":
					in.Name = *name
				case "days":
					in.SLADays = *days
				case "working-days":
					in.WorkingDays = *working
				case "disabled":
					in.Disabled = *disabled
				}
			})
			if k, err = store.UpdateAppealCategory(ctx, a.sc, k.ID, in); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "category %s: %s, %s, disabled %v\n", k.ID, k.Name, slaText(k), k.Disabled)
			return nil
		}
	})
}

func slaText(k crm.AppealCategory) string {
	if k.WorkingDays {
		return fmt.Sprintf("%d working days", k.SLADays)
	}
	return fmt.Sprintf("%d days", k.SLADays)
}
