package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vlmlab/harness/leaderboard"
	"github.com/vlmlab/harness/leaderboard/store"
)

// pageSize is the rows a leaderboard page shows.
const pageSize = 50

// badRequest is an error the client can fix; it carries the parameter.
type badRequest struct{ param, msg string }

func (e badRequest) Error() string { return fmt.Sprintf("parameter %s: %s", e.param, e.msg) }

// parseQuery reads the leaderboard filters of a page or API request. Every
// value is checked against a fixed list, so nothing unexpected reaches SQL.
func parseQuery(v url.Values) (store.Query, error) {
	q := store.Query{Limit: pageSize}
	for _, b := range v["bucket"] {
		if b == "" {
			continue
		}
		if !slices.Contains(store.Buckets, b) {
			return q, badRequest{"bucket", fmt.Sprintf("%q: use one of %s", b, strings.Join(store.Buckets, ", "))}
		}
		q.Buckets = append(q.Buckets, b)
	}
	types := append(leaderboard.Types(), "unknown")
	for _, t := range v["type"] {
		if t == "" {
			continue
		}
		if !slices.Contains(types, t) {
			return q, badRequest{"type", fmt.Sprintf("%q: use one of %s", t, strings.Join(types, ", "))}
		}
		q.Types = append(q.Types, t)
	}
	q.VerifiedOnly = isTrue(v.Get("verified"))
	q.Ablations = isTrue(v.Get("ablations"))
	switch p := v.Get("profile"); p {
	case "", leaderboard.ProfileLeaderboard, leaderboard.ProfileOfficial:
		q.Profile = p
	default:
		return q, badRequest{"profile", fmt.Sprintf("%q: use leaderboard or official", p)}
	}
	q.Search = strings.TrimSpace(v.Get("q"))
	if len(q.Search) > 200 {
		return q, badRequest{"q", "longer than 200 characters"}
	}
	q.Sort = v.Get("sort")
	if q.Sort != "" && q.Sort != "rank" && !slices.Contains(store.SortKeys, q.Sort) {
		return q, badRequest{"sort", fmt.Sprintf("%q: use rank, %s", q.Sort, strings.Join(store.SortKeys, ", "))}
	}
	q.Desc = isTrue(v.Get("desc"))
	var err error
	if q.Offset, err = intParam(v, "offset", 0, 1<<30); err != nil {
		return q, err
	}
	if q.Limit, err = intParam(v, "limit", pageSize, 1000); err != nil {
		return q, err
	}
	if q.Limit == 0 {
		q.Limit = pageSize
	}
	return q, nil
}

func isTrue(s string) bool { return s == "1" || s == "true" || s == "on" || s == "yes" }

func intParam(v url.Values, name string, def, maxV int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxV {
		return 0, badRequest{name, fmt.Sprintf("%q: want a whole number from 0 to %d", s, maxV)}
	}
	return n, nil
}

// encode writes q back as URL parameters (for links: pages, sort headers).
func encode(q store.Query) url.Values {
	v := url.Values{}
	for _, b := range q.Buckets {
		v.Add("bucket", b)
	}
	for _, t := range q.Types {
		v.Add("type", t)
	}
	if q.VerifiedOnly {
		v.Set("verified", "1")
	}
	if q.Ablations {
		v.Set("ablations", "1")
	}
	if q.Profile != "" {
		v.Set("profile", q.Profile)
	}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	if q.Desc {
		v.Set("desc", "1")
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	if q.Limit != pageSize {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}
