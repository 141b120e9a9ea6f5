package sdk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/vlmlab/harness/plugins/proto/harness/v1"
)

// Batches keep each streamed message well under gRPC limits (a plugin in
// another language keeps its 4 MiB default) while amortising per-message cost.
const (
	batchItems = 512
	batchBytes = 2 << 20
	// maxResponseBytes is the largest response one Submit can carry, with
	// room for the message's other fields.
	maxResponseBytes = MaxMessageBytes - 64<<10
)

type evaluatorServer struct {
	pb.UnimplementedEvaluatorServer
	benchmarks map[string]Benchmark
	order      []string

	mu       sync.Mutex
	sessions map[string]*session
}

type session struct {
	mu         sync.Mutex
	ds         Dataset
	known      map[string]bool
	responses  []Response
	seen       map[string]bool
	answers    []JudgeAnswer
	answerKeys map[string]bool
}

func newEvaluatorServer(bs []Benchmark) *evaluatorServer {
	s := &evaluatorServer{benchmarks: map[string]Benchmark{}, sessions: map[string]*session{}}
	for _, b := range bs {
		name := b.Info().Name
		s.benchmarks[name] = b
		s.order = append(s.order, name)
	}
	return s
}

func (s *evaluatorServer) Benchmarks(context.Context, *pb.BenchmarksRequest) (*pb.BenchmarksResponse, error) {
	out := &pb.BenchmarksResponse{}
	for _, name := range s.order {
		i := s.benchmarks[name].Info()
		out.Benchmarks = append(out.Benchmarks, &pb.BenchmarkInfo{Name: i.Name, Title: i.Title, Items: int32(i.Items), Primary: i.Primary, Description: i.Description})
	}
	return out, nil
}

func (s *evaluatorServer) Open(req *pb.OpenRequest, stream pb.Evaluator_OpenServer) error {
	b, ok := s.benchmarks[req.GetBenchmark()]
	if !ok {
		return invalid("this evaluator has no benchmark %q (it has %v)", req.GetBenchmark(), s.order)
	}
	ds, err := b.Load(stream.Context(), LoadRequest{
		Path: req.GetPath(), Profile: req.GetProfile(), AllowPartial: req.GetAllowPartial(),
		SystemPrompt: req.GetSystemPrompt(), Judge: req.GetJudge(), Options: req.GetOptions(),
	})
	if err != nil {
		// A file that does not load is the user's to fix unless the
		// evaluator says otherwise.
		return toStatus(err, ErrInvalid, "")
	}
	id := newSessionID()
	items := ds.Items()
	sess := &session{ds: ds, known: make(map[string]bool, len(items)), seen: map[string]bool{}, answerKeys: map[string]bool{}}
	for _, it := range items {
		sess.known[it.ID] = true
	}
	s.mu.Lock()
	s.sessions[id] = sess
	s.mu.Unlock()

	if err := stream.Send(&pb.OpenEvent{Event: &pb.OpenEvent_Header{Header: datasetInfoToPB(id, ds.Info())}}); err != nil {
		return err
	}
	batch := &pb.ItemBatch{}
	size := 0
	for _, it := range items {
		p := &pb.Item{Id: it.ID, Prompt: partsToPB(it.Prompt), Meta: it.Meta}
		batch.Items = append(batch.Items, p)
		size += proto.Size(p)
		if len(batch.Items) >= batchItems || size >= batchBytes {
			if err := stream.Send(&pb.OpenEvent{Event: &pb.OpenEvent_Items{Items: batch}}); err != nil {
				return err
			}
			batch, size = &pb.ItemBatch{}, 0
		}
	}
	if len(batch.Items) > 0 {
		return stream.Send(&pb.OpenEvent{Event: &pb.OpenEvent_Items{Items: batch}})
	}
	return nil
}

func (s *evaluatorServer) session(id string) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no scoring session %q (closed, or opened in another plugin process)", id)
	}
	return sess, nil
}

func (s *evaluatorServer) Submit(_ context.Context, req *pb.SubmitRequest) (*pb.SubmitResponse, error) {
	sess, err := s.session(req.GetSession())
	if err != nil {
		return nil, err
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	for _, r := range req.GetResponses() {
		if !sess.known[r.GetItemId()] {
			return nil, invalid("response for item %q, which the data file does not have", r.GetItemId())
		}
		if sess.seen[r.GetItemId()] {
			return nil, invalid("second response for item %q", r.GetItemId())
		}
		sess.seen[r.GetItemId()] = true
		sess.responses = append(sess.responses, Response{ItemID: r.GetItemId(), Text: r.GetText(), Failed: r.GetFailed(), Error: r.GetError()})
	}
	return &pb.SubmitResponse{Received: int32(len(sess.responses))}, nil
}

func (s *evaluatorServer) Score(req *pb.ScoreRequest, stream pb.Evaluator_ScoreServer) error {
	sess, err := s.session(req.GetSession())
	if err != nil {
		return err
	}
	sess.mu.Lock()
	for _, a := range req.GetAnswers() {
		if !sess.answerKeys[a.GetKey()] {
			sess.answerKeys[a.GetKey()] = true
			sess.answers = append(sess.answers, JudgeAnswer{Key: a.GetKey(), Text: a.GetText(), Error: a.GetError()})
		}
	}
	res, err := sess.ds.Score(stream.Context(), sess.responses, sess.answers)
	sess.mu.Unlock()
	if err != nil {
		return toStatus(err, ErrInvalid, "")
	}
	if res.Report == nil {
		for start := 0; start < len(res.Pending); start += batchItems {
			end := min(start+batchItems, len(res.Pending))
			b := &pb.JudgeBatch{}
			for _, q := range res.Pending[start:end] {
				b.Requests = append(b.Requests, judgeRequestToPB(q))
			}
			if err := stream.Send(&pb.ScoreEvent{Event: &pb.ScoreEvent_Judge{Judge: b}}); err != nil {
				return err
			}
		}
		return nil
	}
	batch := &pb.ItemResultBatch{}
	size := 0
	for _, it := range res.Report.Items {
		p := itemResultToPB(it)
		batch.Results = append(batch.Results, p)
		size += proto.Size(p)
		if len(batch.Results) >= batchItems || size >= batchBytes {
			if err := stream.Send(&pb.ScoreEvent{Event: &pb.ScoreEvent_Results{Results: batch}}); err != nil {
				return err
			}
			batch, size = &pb.ItemResultBatch{}, 0
		}
	}
	if len(batch.Results) > 0 {
		if err := stream.Send(&pb.ScoreEvent{Event: &pb.ScoreEvent_Results{Results: batch}}); err != nil {
			return err
		}
	}
	return stream.Send(&pb.ScoreEvent{Event: &pb.ScoreEvent_Report{Report: reportToPB(res.Report)}})
}

func (s *evaluatorServer) Close(_ context.Context, req *pb.CloseRequest) (*pb.CloseResponse, error) {
	s.mu.Lock()
	delete(s.sessions, req.GetSession())
	s.mu.Unlock()
	return &pb.CloseResponse{}, nil
}

func newSessionID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the OS entropy source failing is not recoverable
	}
	return hex.EncodeToString(b[:])
}

// EvaluatorClient is the host side of an evaluator plugin.
type EvaluatorClient struct {
	r *Remote
	c pb.EvaluatorClient
}

// Benchmarks lists the benchmarks the plugin serves.
func (c *EvaluatorClient) Benchmarks(ctx context.Context) ([]BenchmarkInfo, error) {
	res, err := c.c.Benchmarks(ctx, &pb.BenchmarksRequest{})
	if err != nil {
		return nil, c.r.wrap(err)
	}
	var out []BenchmarkInfo
	for _, b := range res.GetBenchmarks() {
		out = append(out, BenchmarkInfo{Name: b.GetName(), Title: b.GetTitle(), Items: int(b.GetItems()), Primary: b.GetPrimary(), Description: b.GetDescription()})
	}
	return out, nil
}

// Open loads a data file in the plugin and receives its items. The returned
// dataset scores across the boundary and must be closed.
func (c *EvaluatorClient) Open(ctx context.Context, benchmark string, req LoadRequest) (*RemoteDataset, error) {
	stream, err := c.c.Open(ctx, &pb.OpenRequest{
		Benchmark: benchmark, Path: req.Path, Profile: req.Profile, AllowPartial: req.AllowPartial,
		SystemPrompt: req.SystemPrompt, Judge: req.Judge, Options: req.Options,
	})
	if err != nil {
		return nil, c.r.wrap(err)
	}
	d := &RemoteDataset{c: c, sent: map[string]bool{}, sentAnswers: map[string]bool{}}
	for {
		ev, err := stream.Recv()
		if err != nil {
			if isEOF(err) {
				break
			}
			return nil, c.r.wrap(err)
		}
		switch e := ev.GetEvent().(type) {
		case *pb.OpenEvent_Header:
			d.session = e.Header.GetSession()
			d.info = datasetInfoFromPB(e.Header)
			d.items = make([]Item, 0, d.info.Count)
		case *pb.OpenEvent_Items:
			for _, it := range e.Items.GetItems() {
				d.items = append(d.items, Item{ID: it.GetId(), Prompt: partsFromPB(it.GetPrompt()), Meta: it.GetMeta()})
			}
		}
	}
	if d.session == "" {
		return nil, fmt.Errorf("evaluator sent no dataset header for %s", benchmark)
	}
	return d, nil
}

// RemoteDataset is a dataset loaded in an evaluator plugin. It implements
// Dataset, so the host drives it exactly like an in-process one.
type RemoteDataset struct {
	c       *EvaluatorClient
	session string
	info    DatasetInfo
	items   []Item

	mu          sync.Mutex
	sent        map[string]bool
	sentAnswers map[string]bool
}

// Info describes the loaded data file.
func (d *RemoteDataset) Info() DatasetInfo { return d.info }

// Items are the benchmark's questions.
func (d *RemoteDataset) Items() []Item { return d.items }

// Score sends responses and judge answers the plugin has not seen yet, then
// runs one scoring round.
func (d *RemoteDataset) Score(ctx context.Context, responses []Response, answers []JudgeAnswer) (*ScoreResult, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	// Responses go in Submit calls of at most batchItems responses and
	// about batchBytes each (the protocol's Submit*), so no total size of a
	// benchmark's responses meets the per-message limit.
	var batch []*pb.Response
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := d.c.c.Submit(ctx, &pb.SubmitRequest{Session: d.session, Responses: batch})
		batch, size = batch[:0], 0
		return d.c.r.wrap(err)
	}
	for _, r := range responses {
		if d.sent[r.ItemID] {
			continue
		}
		d.sent[r.ItemID] = true
		m := &pb.Response{ItemId: r.ItemID, Text: r.Text, Failed: r.Failed, Error: r.Error}
		n := proto.Size(m)
		if n > maxResponseBytes {
			// One response that no message can carry: the item is scored
			// as failed, with the reason, rather than failing the benchmark.
			m = &pb.Response{ItemId: r.ItemID, Failed: true, Error: fmt.Sprintf("the response is %d bytes, more than the %d bytes one message to the evaluator carries; not scored", len(r.Text), maxResponseBytes)}
			n = proto.Size(m)
		}
		if size+n > batchBytes && len(batch) > 0 {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		batch = append(batch, m)
		size += n
		if len(batch) >= batchItems {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	req := &pb.ScoreRequest{Session: d.session}
	for _, a := range answers {
		if !d.sentAnswers[a.Key] {
			d.sentAnswers[a.Key] = true
			req.Answers = append(req.Answers, &pb.JudgeAnswer{Key: a.Key, Text: a.Text, Error: a.Error})
		}
	}
	stream, err := d.c.c.Score(ctx, req)
	if err != nil {
		return nil, d.c.r.wrap(err)
	}
	res := &ScoreResult{}
	var items []ItemResult
	for {
		ev, err := stream.Recv()
		if err != nil {
			if isEOF(err) {
				break
			}
			return nil, d.c.r.wrap(err)
		}
		switch e := ev.GetEvent().(type) {
		case *pb.ScoreEvent_Judge:
			for _, q := range e.Judge.GetRequests() {
				res.Pending = append(res.Pending, judgeRequestFromPB(q))
			}
		case *pb.ScoreEvent_Results:
			for _, it := range e.Results.GetResults() {
				items = append(items, itemResultFromPB(it))
			}
		case *pb.ScoreEvent_Report:
			res.Report = reportFromPB(e.Report, items)
		}
	}
	if res.Report == nil && len(res.Pending) == 0 {
		return nil, fmt.Errorf("evaluator ended a scoring round with neither judge requests nor a report")
	}
	return res, nil
}

// Close ends the session in the plugin.
func (d *RemoteDataset) Close(ctx context.Context) error {
	_, err := d.c.c.Close(ctx, &pb.CloseRequest{Session: d.session})
	return d.c.r.wrap(err)
}
