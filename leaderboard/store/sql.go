package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// sqlStore implements Store over database/sql for both dialects.
type sqlStore struct {
	db *sql.DB
	d  dialect
}

func (s *sqlStore) q(query string) string { return s.d.rebind(query) }

func (s *sqlStore) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }
func (s *sqlStore) Close() error                   { return s.db.Close() }

const entryCols = `id, model, organisation, params_b, bucket, type, kind, verified, profile, judge, eval_date,
	mathvista, mathvision, mathverse, dynamath, wemath, logicvista, average, complete, hidden, flag, submission_id, updated_at`

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullScore(m map[string]float64, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	return nil
}

// normalise fills the aggregates of e from its scores.
func normalise(e *Entry) {
	sum, n := 0.0, 0
	for _, b := range Benchmarks {
		if v, ok := e.Scores[b]; ok {
			sum += v
			n++
		}
	}
	e.Complete = n == len(Benchmarks)
	e.Average = 0
	if n > 0 {
		e.Average = sum / float64(n)
	}
	if e.Bucket == "" {
		e.Bucket = BucketOf(e.ParamsB)
	}
	if e.Updated.IsZero() {
		e.Updated = time.Now()
	}
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *sqlStore) putEntry(ctx context.Context, x execer, e Entry) error {
	normalise(&e)
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("entry %s: %w", e.ID, err)
	}
	var params any
	if e.ParamsB > 0 {
		params = e.ParamsB
	}
	var avg any
	if len(e.Scores) > 0 {
		avg = e.Average
	}
	args := []any{e.ID, e.Model, e.Organisation, params, e.Bucket, e.Type, e.Kind, b2i(e.Verified), e.Profile, e.Judge, e.EvalDate}
	for _, b := range Benchmarks {
		args = append(args, nullScore(e.Scores, b))
	}
	args = append(args, avg, b2i(e.Complete), b2i(e.Hidden), e.Flag, e.SubmissionID, e.Updated.UnixMilli(), string(detail))
	_, err = x.ExecContext(ctx, s.q(`INSERT INTO entries (`+entryCols+`, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET model=excluded.model, organisation=excluded.organisation, params_b=excluded.params_b,
		bucket=excluded.bucket, type=excluded.type, kind=excluded.kind, verified=excluded.verified, profile=excluded.profile,
		judge=excluded.judge, eval_date=excluded.eval_date, mathvista=excluded.mathvista, mathvision=excluded.mathvision,
		mathverse=excluded.mathverse, dynamath=excluded.dynamath, wemath=excluded.wemath, logicvista=excluded.logicvista,
		average=excluded.average, complete=excluded.complete, submission_id=excluded.submission_id,
		detail=excluded.detail, updated_at=excluded.updated_at`), args...)
	if err != nil {
		return fmt.Errorf("put entry %s: %w", e.ID, err)
	}
	return nil
}

func (s *sqlStore) putItems(ctx context.Context, tx *sql.Tx, entryID string, items []Item) error {
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM items WHERE entry_id = ?`), entryID); err != nil {
		return fmt.Errorf("items of %s: %w", entryID, err)
	}
	st, err := tx.PrepareContext(ctx, s.q(`INSERT INTO items (entry_id, benchmark, seq, item_id, question, response, extracted, path, hit, reason) VALUES (?,?,?,?,?,?,?,?,?,?)`))
	if err != nil {
		return fmt.Errorf("items of %s: %w", entryID, err)
	}
	defer st.Close()
	for _, it := range items {
		if _, err := st.ExecContext(ctx, entryID, it.Benchmark, it.Seq, it.ID, it.Question, it.Response, it.Extracted, it.Path, b2i(it.Hit), it.Reason); err != nil {
			return fmt.Errorf("item %s/%s of %s: %w", it.Benchmark, it.ID, entryID, err)
		}
	}
	return nil
}

func (s *sqlStore) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *sqlStore) PutEntry(ctx context.Context, e Entry, items []Item) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.putEntry(ctx, tx, e); err != nil {
			return err
		}
		if items != nil {
			return s.putItems(ctx, tx, e.ID, items)
		}
		return nil
	})
}

func (s *sqlStore) PutEntries(ctx context.Context, es []Entry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, e := range es {
			if err := s.putEntry(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

type scanner interface{ Scan(dest ...any) error }

func scanEntry(sc scanner, extra ...any) (Entry, error) {
	var (
		e                          Entry
		params, avg                sql.NullFloat64
		scores                     [6]sql.NullFloat64
		verified, complete, hidden int
		updated                    int64
	)
	dest := []any{&e.ID, &e.Model, &e.Organisation, &params, &e.Bucket, &e.Type, &e.Kind, &verified, &e.Profile, &e.Judge, &e.EvalDate}
	for i := range scores {
		dest = append(dest, &scores[i])
	}
	dest = append(dest, &avg, &complete, &hidden, &e.Flag, &e.SubmissionID, &updated)
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return e, err
	}
	e.ParamsB = params.Float64
	e.Average = avg.Float64
	e.Verified, e.Complete, e.Hidden = verified != 0, complete != 0, hidden != 0
	e.Scores = make(map[string]float64, 6)
	for i, b := range Benchmarks {
		if scores[i].Valid {
			e.Scores[b] = scores[i].Float64
		}
	}
	e.Updated = time.UnixMilli(updated)
	return e, nil
}

func (s *sqlStore) Entry(ctx context.Context, id string) (Entry, error) {
	var detail string
	e, err := scanEntry(s.db.QueryRowContext(ctx, s.q(`SELECT `+entryCols+`, detail FROM entries WHERE id = ?`), id), &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("entry %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entry %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
		return Entry{}, fmt.Errorf("entry %q: detail: %w", id, err)
	}
	return e, nil
}

// likePattern escapes s for LIKE ... ESCAPE '\'.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// Rows reads every entry without its detail document: one scan, for a
// Ranking.
func (s *sqlStore) Rows(ctx context.Context) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+entryCols+` FROM entries`)
	if err != nil {
		return nil, fmt.Errorf("read entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("read entries: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Version changes whenever an entry is added or changed: the count of
// entries and the latest update time (every write sets updated_at).
func (s *sqlStore) Version(ctx context.Context) (string, error) {
	var n int64
	var last sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MAX(updated_at) FROM entries`).Scan(&n, &last); err != nil {
		return "", fmt.Errorf("entries version: %w", err)
	}
	return fmt.Sprintf("%d/%d", n, last.Int64), nil
}

// List ranks a fresh snapshot; the server keeps its snapshot between
// requests instead.
func (s *sqlStore) List(ctx context.Context, q Query) (Page[Row], error) {
	rows, err := s.Rows(ctx)
	if err != nil {
		return Page[Row]{}, err
	}
	return NewRanking(rows).Query(q)
}

const itemCols = `benchmark, seq, item_id, question, response, extracted, path, hit, reason`

func scanItem(sc scanner) (Item, error) {
	var it Item
	var hit int
	err := sc.Scan(&it.Benchmark, &it.Seq, &it.ID, &it.Question, &it.Response, &it.Extracted, &it.Path, &hit, &it.Reason)
	it.Hit = hit != 0
	return it, err
}

func (s *sqlStore) Items(ctx context.Context, entryID string, q ItemQuery) (Page[Item], error) {
	where := []string{"entry_id = ?"}
	args := []any{entryID}
	if q.Benchmark != "" {
		where = append(where, "benchmark = ?")
		args = append(args, q.Benchmark)
	}
	if q.Hit != nil {
		where = append(where, "hit = ?")
		args = append(args, b2i(*q.Hit))
	}
	if q.Search != "" {
		p := likePattern(q.Search)
		where = append(where, `(LOWER(item_id) LIKE ? ESCAPE '\' OR LOWER(question) LIKE ? ESCAPE '\' OR LOWER(response) LIKE ? ESCAPE '\' OR LOWER(extracted) LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p, p)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM items WHERE `+w), args...).Scan(&total); err != nil {
		return Page[Item]{}, fmt.Errorf("items of %s: %w", entryID, err)
	}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+itemCols+` FROM items WHERE `+w+` ORDER BY benchmark, seq LIMIT ? OFFSET ?`), append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return Page[Item]{}, fmt.Errorf("items of %s: %w", entryID, err)
	}
	defer rows.Close()
	page := Page[Item]{Rows: []Item{}, Total: total}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return Page[Item]{}, fmt.Errorf("items of %s: %w", entryID, err)
		}
		page.Rows = append(page.Rows, it)
	}
	return page, rows.Err()
}

func (s *sqlStore) Compare(ctx context.Context, a, b, benchmark string, onlyDiffer bool, offset, limit int) (Page[ItemPair], error) {
	where := "1 = 1"
	args := []any{a, b}
	if benchmark != "" {
		where = "k.benchmark = ?"
		args = append(args, benchmark)
	}
	if onlyDiffer {
		where += " AND COALESCE(x.hit, -1) <> COALESCE(y.hit, -1)"
	}
	base := `FROM (SELECT benchmark, item_id, MIN(seq) AS seq, MAX(question) AS question FROM items WHERE entry_id IN (?, ?) GROUP BY benchmark, item_id) k
		LEFT JOIN items x ON x.entry_id = ? AND x.benchmark = k.benchmark AND x.item_id = k.item_id
		LEFT JOIN items y ON y.entry_id = ? AND y.benchmark = k.benchmark AND y.item_id = k.item_id
		WHERE ` + where
	// The join placeholders come after the subquery's two.
	args = append([]any{a, b, a, b}, args[2:]...)
	var total int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) `+base), args...).Scan(&total); err != nil {
		return Page[ItemPair]{}, fmt.Errorf("compare %s and %s: %w", a, b, err)
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT k.benchmark, k.item_id, k.question,
		x.response, x.extracted, x.path, x.hit, y.response, y.extracted, y.path, y.hit `+base+` ORDER BY k.benchmark, k.seq LIMIT ? OFFSET ?`),
		append(args, limit, max(offset, 0))...)
	if err != nil {
		return Page[ItemPair]{}, fmt.Errorf("compare %s and %s: %w", a, b, err)
	}
	defer rows.Close()
	page := Page[ItemPair]{Rows: []ItemPair{}, Total: total}
	for rows.Next() {
		var p ItemPair
		var xr, xe, xp, yr, ye, yp sql.NullString
		var xh, yh sql.NullInt64
		if err := rows.Scan(&p.Benchmark, &p.ID, &p.Question, &xr, &xe, &xp, &xh, &yr, &ye, &yp, &yh); err != nil {
			return Page[ItemPair]{}, fmt.Errorf("compare %s and %s: %w", a, b, err)
		}
		if xh.Valid {
			p.A = &Item{Benchmark: p.Benchmark, ID: p.ID, Response: xr.String, Extracted: xe.String, Path: xp.String, Hit: xh.Int64 != 0}
		}
		if yh.Valid {
			p.B = &Item{Benchmark: p.Benchmark, ID: p.ID, Response: yr.String, Extracted: ye.String, Path: yp.String, Hit: yh.Int64 != 0}
		}
		page.Rows = append(page.Rows, p)
	}
	return page, rows.Err()
}

func (s *sqlStore) update(ctx context.Context, what, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

func (s *sqlStore) SetHidden(ctx context.Context, id string, hidden bool) error {
	return s.update(ctx, "hide entry "+id, `UPDATE entries SET hidden = ?, updated_at = ? WHERE id = ?`, b2i(hidden), time.Now().UnixMilli(), id)
}

func (s *sqlStore) SetFlag(ctx context.Context, id, flag string) error {
	return s.update(ctx, "flag entry "+id, `UPDATE entries SET flag = ?, updated_at = ? WHERE id = ?`, flag, time.Now().UnixMilli(), id)
}

// Tokens are "lb_ID_SECRET": the id finds the row, and the SHA-256 of the
// whole token is compared in constant time with the stored one, so neither
// the secret nor a timing difference ever leaves the database.
const tokenPrefix = "lb_"

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b)
}

func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// NewTokenSecret makes a fresh token for id.
func newTokenSecret(id string) string { return tokenPrefix + id + "_" + randomHex(24) }

func (s *sqlStore) AddToken(ctx context.Context, name, secret string, admin bool) (Token, error) {
	t := Token{ID: randomHex(6), Name: name, Admin: admin, Created: time.Now()}
	if secret == "" {
		secret = newTokenSecret(t.ID)
	} else if id, ok := tokenID(secret); ok {
		t.ID = id
	} else {
		return Token{}, fmt.Errorf("token %s: not of the form lb_ID_SECRET", name)
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO tokens (id, name, hash, admin, created_at) VALUES (?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET name=excluded.name, hash=excluded.hash, admin=excluded.admin`),
		t.ID, name, hashToken(secret), b2i(admin), t.Created.UnixMilli())
	if err != nil {
		return Token{}, fmt.Errorf("add token %s: %w", name, err)
	}
	t.secret = secret
	return t, nil
}

func tokenID(secret string) (string, bool) {
	rest, ok := strings.CutPrefix(secret, tokenPrefix)
	if !ok {
		return "", false
	}
	id, sec, ok := strings.Cut(rest, "_")
	return id, ok && id != "" && len(sec) >= 16
}

func (s *sqlStore) Token(ctx context.Context, secret string) (Token, error) {
	id, ok := tokenID(secret)
	if !ok {
		return Token{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	var (
		t       Token
		hash    string
		admin   int
		created int64
	)
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, name, hash, admin, created_at FROM tokens WHERE id = ?`), id).Scan(&t.ID, &t.Name, &hash, &admin, &created)
	if errors.Is(err, sql.ErrNoRows) {
		// Hash anyway so an unknown id costs what a wrong secret does.
		subtle.ConstantTimeCompare([]byte(hashToken(secret)), []byte(hashToken("")))
		return Token{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hashToken(secret)), []byte(hash)) != 1 {
		return Token{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	t.Admin, t.Created = admin != 0, time.UnixMilli(created)
	return t, nil
}

const subCols = `id, token_id, model, status, reason, digest, entry_id, attempts, log, created_at, started_at, finished_at`

func scanSub(sc scanner, extra ...any) (Submission, error) {
	var s Submission
	var c, st, f int64
	err := sc.Scan(append([]any{&s.ID, &s.TokenID, &s.Model, &s.Status, &s.Reason, &s.Digest, &s.EntryID, &s.Attempts, &s.Log, &c, &st, &f}, extra...)...)
	s.Created = time.Unix(0, c)
	if st > 0 {
		s.Started = time.UnixMilli(st)
	}
	if f > 0 {
		s.Finished = time.UnixMilli(f)
	}
	return s, err
}

func (s *sqlStore) AddSubmission(ctx context.Context, sub Submission) (Submission, error) {
	sub.ID = randomHex(8)
	sub.Status = Pending
	sub.Created = time.Now()
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO submissions (id, token_id, model, status, reason, digest, meta, payload, entry_id, attempts, log, created_at, started_at, finished_at)
		VALUES (?,?,?,?,'',?,?,?,'',0,'',?,0,0)`), sub.ID, sub.TokenID, sub.Model, sub.Status, sub.Digest, sub.Meta, sub.Payload, sub.Created.UnixNano())
	if s.d.unique(err) {
		var id string
		if qerr := s.db.QueryRowContext(ctx, s.q(`SELECT id FROM submissions WHERE digest = ? AND status <> 'FAILED'`), sub.Digest).Scan(&id); qerr == nil {
			return Submission{}, fmt.Errorf("the same predictions were already submitted as %s: %w", id, ErrDuplicate)
		}
		return Submission{}, fmt.Errorf("the same predictions were already submitted: %w", ErrDuplicate)
	}
	if err != nil {
		return Submission{}, fmt.Errorf("add submission: %w", err)
	}
	return sub, nil
}

func (s *sqlStore) Submission(ctx context.Context, id string) (Submission, error) {
	sub, err := scanSub(s.db.QueryRowContext(ctx, s.q(`SELECT `+subCols+` FROM submissions WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Submission{}, fmt.Errorf("submission %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Submission{}, fmt.Errorf("submission %q: %w", id, err)
	}
	return sub, nil
}

// submissionFull is Submission with its meta and payload.
func (s *sqlStore) submissionFull(ctx context.Context, id string) (Submission, error) {
	var meta, payload string
	sub, err := scanSub(s.db.QueryRowContext(ctx, s.q(`SELECT `+subCols+`, meta, payload FROM submissions WHERE id = ?`), id), &meta, &payload)
	if err != nil {
		return Submission{}, fmt.Errorf("submission %q: %w", id, err)
	}
	sub.Meta, sub.Payload = meta, payload
	return sub, nil
}

func (s *sqlStore) Submissions(ctx context.Context, offset, limit int) (Page[Submission], error) {
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions`).Scan(&total); err != nil {
		return Page[Submission]{}, fmt.Errorf("list submissions: %w", err)
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+subCols+` FROM submissions ORDER BY created_at DESC, id LIMIT ? OFFSET ?`), limit, max(offset, 0))
	if err != nil {
		return Page[Submission]{}, fmt.Errorf("list submissions: %w", err)
	}
	defer rows.Close()
	page := Page[Submission]{Rows: []Submission{}, Total: total}
	for rows.Next() {
		sub, err := scanSub(rows)
		if err != nil {
			return Page[Submission]{}, fmt.Errorf("list submissions: %w", err)
		}
		page.Rows = append(page.Rows, sub)
	}
	return page, rows.Err()
}

func (s *sqlStore) Claim(ctx context.Context) (Submission, error) {
	var id string
	err := s.db.QueryRowContext(ctx, s.q(`UPDATE submissions SET status = 'RUNNING', started_at = ?, attempts = attempts + 1
		WHERE id = (SELECT id FROM submissions WHERE status = 'PENDING' ORDER BY created_at, id LIMIT 1) AND status = 'PENDING'
		RETURNING id`), time.Now().UnixMilli()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Submission{}, ErrNotFound
	}
	if err != nil {
		return Submission{}, fmt.Errorf("claim a submission: %w", err)
	}
	return s.submissionFull(ctx, id)
}

func (s *sqlStore) Requeue(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE submissions SET status = 'PENDING' WHERE status = 'RUNNING'`)
	if err != nil {
		return 0, fmt.Errorf("requeue submissions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (s *sqlStore) Finish(ctx context.Context, id string, e Entry, items []Item, log string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.putEntry(ctx, tx, e); err != nil {
			return err
		}
		if err := s.putItems(ctx, tx, e.ID, items); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET status = 'FINISHED', reason = '', entry_id = ?, log = ?, finished_at = ? WHERE id = ? AND status = 'RUNNING'`),
			e.ID, log, time.Now().UnixMilli(), id)
		if err != nil {
			return fmt.Errorf("finish submission %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("finish submission %s: it is not RUNNING any more", id)
		}
		return nil
	})
}

func (s *sqlStore) Fail(ctx context.Context, id, reason, log string) error {
	return s.update(ctx, "fail submission "+id, `UPDATE submissions SET status = 'FAILED', reason = ?, log = ?, finished_at = ? WHERE id = ?`,
		reason, log, time.Now().UnixMilli(), id)
}

func (s *sqlStore) Retry(ctx context.Context, id string) error {
	err := s.update(ctx, "re-run submission "+id, `UPDATE submissions SET status = 'PENDING', reason = '', finished_at = 0 WHERE id = ? AND status IN ('FINISHED', 'FAILED')`, id)
	if s.d.unique(err) {
		return fmt.Errorf("re-run submission %s: the same predictions are queued or scored as another submission: %w", id, ErrDuplicate)
	}
	return err
}
