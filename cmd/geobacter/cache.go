package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/geobacter-go/geobacter/internal/cache"
)

// cacheCmd runs `geobacter cache dir|ls|clean`.
func cacheCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "dir" && args[0] != "ls" && args[0] != "clean" {
		fmt.Fprintf(stderr, "usage: geobacter cache dir|ls|clean\n")
		return 2
	}
	sub := args[0]
	var err error
	switch sub {
	case "dir":
		var dir string
		if dir, err = cache.Dir(); err == nil {
			fmt.Fprintln(stdout, dir)
		}
	case "ls":
		err = cacheLs(stdout, time.Now())
	case "clean":
		var c *cache.Cache
		if c, err = cache.Open(); err == nil {
			var n int
			if n, err = c.Clean(); err == nil {
				fmt.Fprintf(stdout, "removed %d entries from %s\n", n, c.Dir())
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "geobacter cache %s: %v\n", sub, err)
		return 1
	}
	return 0
}

// cacheLs writes the table of `geobacter cache ls`: each entry's key (its first 16 hexadecimal
// digits), size in bytes and age (since it was last written or read, as of now), least recently
// used first, then the total.
func cacheLs(w io.Writer, now time.Time) error {
	c, err := cache.Open()
	if err != nil {
		return err
	}
	es, err := c.Entries()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "KEY\tSIZE\tAGE\t")
	var total int64
	for _, e := range es {
		total += e.Size
		fmt.Fprintf(tw, "%s\t%d\t%s\t\n", e.Key[:16], e.Size, age(now.Sub(e.ModTime)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%d entries, %d bytes in %s\n", len(es), total, c.Dir())
	return err
}

// age formats d to the second without zero trailing units, or in days and hours beyond a day.
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d >= 24*time.Hour {
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	}
	s := d.Round(time.Second).String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok { // 3h4m0s is 3h4m
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok { // 2h0m is 2h
		s = t + "h"
	}
	return s
}
