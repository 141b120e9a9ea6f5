package sdk

import (
	"context"

	pb "github.com/vlmlab/harness/plugins/proto/harness/v1"
)

type modelServer struct {
	pb.UnimplementedModelServer
	impl Model
}

func (s *modelServer) Generate(req *pb.GenerateRequest, stream pb.Model_GenerateServer) error {
	prompts := make([]Prompt, len(req.GetPrompts()))
	for i, p := range req.GetPrompts() {
		prompts[i] = Prompt{ID: p.GetId(), System: p.GetSystem(), Parts: partsFromPB(p.GetParts())}
	}
	err := s.impl.Generate(stream.Context(), checkpointFromPB(req.GetCheckpoint()), prompts, paramsFromPB(req.GetParams()), func(g Generation) error {
		return stream.Send(&pb.Generation{PromptId: g.PromptID, Sample: int32(g.Sample), Text: g.Text, Tokens: int32(g.Tokens), Truncated: g.Truncated, Error: g.Error, PromptTokens: int32(g.PromptTokens)})
	})
	return toStatus(err, ErrInternal, "generate")
}

type modelClient struct {
	r *Remote
	c pb.ModelClient
}

func (m *modelClient) Generate(ctx context.Context, ckpt *Checkpoint, prompts []Prompt, params GenerateParams, emit func(Generation) error) error {
	req := &pb.GenerateRequest{Checkpoint: checkpointToPB(ckpt), Params: paramsToPB(params)}
	for _, p := range prompts {
		req.Prompts = append(req.Prompts, &pb.Prompt{Id: p.ID, System: p.System, Parts: partsToPB(p.Parts)})
	}
	stream, err := m.c.Generate(ctx, req)
	if err != nil {
		return m.r.wrap(err)
	}
	for {
		g, err := stream.Recv()
		if err != nil {
			if isEOF(err) {
				return nil
			}
			return m.r.wrap(err)
		}
		if err := emit(Generation{PromptID: g.GetPromptId(), Sample: int(g.GetSample()), Text: g.GetText(), Tokens: int(g.GetTokens()), Truncated: g.GetTruncated(), Error: g.GetError(), PromptTokens: int(g.GetPromptTokens())}); err != nil {
			return err
		}
	}
}
