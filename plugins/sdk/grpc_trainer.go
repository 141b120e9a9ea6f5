package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"

	pb "github.com/vlmlab/harness/plugins/proto/harness/v1"
)

type trainerServer struct {
	pb.UnimplementedTrainerServer
	impl Trainer
}

func (s *trainerServer) Train(req *pb.TrainRequest, stream pb.Trainer_TrainServer) error {
	ckpt, err := s.impl.Train(stream.Context(), TrainRequest{
		Stage: req.GetStage(), Base: checkpointFromPB(req.GetBase()), OutputDir: req.GetOutputDir(),
		Data: req.GetData(), Params: req.GetParamsJson(), Seed: req.GetSeed(),
	}, func(ev TrainEvent) error {
		out := &pb.TrainEvent{}
		switch {
		case ev.Progress != nil:
			out.Event = &pb.TrainEvent_Progress{Progress: &pb.Progress{Step: int32(ev.Progress.Step), Total: int32(ev.Progress.Total), Metrics: ev.Progress.Metrics}}
		case ev.Log != nil:
			out.Event = &pb.TrainEvent_Log{Log: &pb.LogLine{Level: ev.Log.Level, Message: ev.Log.Message}}
		default:
			return nil
		}
		return stream.Send(out)
	})
	if err != nil {
		return toStatus(err, ErrInternal, "train %s", req.GetStage())
	}
	if ckpt == nil {
		return toStatus(Internal("the trainer returned no checkpoint"), ErrInternal, "train %s", req.GetStage())
	}
	return stream.Send(&pb.TrainEvent{Event: &pb.TrainEvent_Checkpoint{Checkpoint: checkpointToPB(ckpt)}})
}

type trainerClient struct {
	r *Remote
	c pb.TrainerClient
}

func (t *trainerClient) Train(ctx context.Context, req TrainRequest, emit func(TrainEvent) error) (*Checkpoint, error) {
	stream, err := t.c.Train(ctx, &pb.TrainRequest{
		Stage: req.Stage, Base: checkpointToPB(req.Base), OutputDir: req.OutputDir,
		Data: req.Data, ParamsJson: req.Params, Seed: req.Seed,
	})
	if err != nil {
		return nil, t.r.wrap(err)
	}
	for {
		ev, err := stream.Recv()
		if err != nil {
			if isEOF(err) {
				return nil, fmt.Errorf("trainer ended stage %q without a checkpoint", req.Stage)
			}
			return nil, t.r.wrap(err)
		}
		switch e := ev.GetEvent().(type) {
		case *pb.TrainEvent_Progress:
			if err := emit(TrainEvent{Progress: &Progress{Step: int(e.Progress.GetStep()), Total: int(e.Progress.GetTotal()), Metrics: e.Progress.GetMetrics()}}); err != nil {
				return nil, err
			}
		case *pb.TrainEvent_Log:
			if err := emit(TrainEvent{Log: &LogLine{Level: e.Log.GetLevel(), Message: e.Log.GetMessage()}}); err != nil {
				return nil, err
			}
		case *pb.TrainEvent_Checkpoint:
			ck := checkpointFromPB(e.Checkpoint)
			// The host trusts no manifest it did not check: a checkpoint
			// that does not verify never becomes a cached stage.
			if err := VerifyCheckpoint(ck); err != nil {
				return nil, t.r.wrapLocal(fmt.Errorf("stage %q returned a checkpoint that does not verify: %w", req.Stage, err))
			}
			return ck, nil
		}
	}
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }
