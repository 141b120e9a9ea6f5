package sdk

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/vlmlab/harness/plugins/proto/harness/v1"
)

// grpcPlugin is the go-plugin glue for one plugin kind. On the plugin side it
// carries the implementation; on the host side it makes Remote clients.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	kind string
	impl *ServeConfig
}

func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterPluginServer(s, &pluginServer{cfg: p.impl})
	switch p.kind {
	case KindTrainer:
		pb.RegisterTrainerServer(s, &trainerServer{impl: p.impl.Trainer})
	case KindEvaluator:
		pb.RegisterEvaluatorServer(s, newEvaluatorServer(p.impl.Benchmarks))
	case KindModel:
		pb.RegisterModelServer(s, &modelServer{impl: p.impl.Model})
	}
	return nil
}

func (p *grpcPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &Remote{Kind: p.kind, conn: c, plugin: pb.NewPluginClient(c)}, nil
}

// Remote is the host's handle on a plugin process of one kind.
type Remote struct {
	Kind string
	// Name is the plugin's name in host errors (set by the host).
	Name   string
	conn   *grpc.ClientConn
	plugin pb.PluginClient
	// WrapErr, when set, turns every error of a call into one that names the
	// plugin (the host uses it to report crashes with exit status and logs).
	WrapErr func(error) error
}

func (r *Remote) wrap(err error) error {
	if err == nil {
		return nil
	}
	if r.WrapErr == nil {
		return FromStatus(err)
	}
	return r.WrapErr(err)
}

// wrapLocal names the plugin in an error the host found in what the plugin
// sent (not a gRPC status); such errors are ErrInternal: the plugin is wrong.
func (r *Remote) wrapLocal(err error) error {
	err = &classError{class: ErrInternal, msg: err.Error(), err: err}
	if r.Name != "" {
		return fmt.Errorf("plugin %s: %w", r.Name, err)
	}
	return err
}

// Describe asks the plugin what it is.
func (r *Remote) Describe(ctx context.Context) (Info, error) {
	d, err := r.plugin.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		return Info{}, r.wrap(err)
	}
	info := Info{Name: d.GetName(), Kind: d.GetKind(), Version: d.GetVersion(), ConfigSchema: d.GetConfigSchema(),
		Description: d.GetDescription(), Provides: d.GetProvides()}
	for _, v := range d.GetApiVersions() {
		info.APIVersions = append(info.APIVersions, int(v))
	}
	return info, nil
}

// Configure hands the plugin its config block.
func (r *Remote) Configure(ctx context.Context, apiVersion int, configJSON []byte) error {
	_, err := r.plugin.Configure(ctx, &pb.ConfigureRequest{ApiVersion: int32(apiVersion), ConfigJson: configJSON})
	return r.wrap(err)
}

// Trainer returns the trainer client of a trainer plugin.
func (r *Remote) Trainer() Trainer { return &trainerClient{r: r, c: pb.NewTrainerClient(r.conn)} }

// Evaluator returns the evaluator client of an evaluator plugin.
func (r *Remote) Evaluator() *EvaluatorClient {
	return &EvaluatorClient{r: r, c: pb.NewEvaluatorClient(r.conn)}
}

// Model returns the model client of a model plugin.
func (r *Remote) Model() Model { return &modelClient{r: r, c: pb.NewModelClient(r.conn)} }

type pluginServer struct {
	pb.UnimplementedPluginServer
	cfg *ServeConfig
}

func (s *pluginServer) Describe(context.Context, *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	info := s.cfg.info()
	out := &pb.DescribeResponse{Name: info.Name, Kind: info.Kind, Version: info.Version, ConfigSchema: info.ConfigSchema,
		Description: info.Description, Provides: info.Provides}
	for _, v := range info.APIVersions {
		out.ApiVersions = append(out.ApiVersions, int32(v))
	}
	return out, nil
}

func (s *pluginServer) Configure(ctx context.Context, req *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	info := s.cfg.info()
	if !slices.Contains(info.APIVersions, int(req.GetApiVersion())) {
		return nil, invalid("plugin %s speaks API versions %v, the host asked for %d", info.Name, info.APIVersions, req.GetApiVersion())
	}
	if s.cfg.Configure == nil {
		if len(req.GetConfigJson()) > 0 && string(req.GetConfigJson()) != "null" && string(req.GetConfigJson()) != "{}" {
			return nil, invalid("plugin %s takes no config block; remove it from harness.yaml", s.cfg.Info.Name)
		}
		return &pb.ConfigureResponse{}, nil
	}
	if err := s.cfg.Configure(ctx, int(req.GetApiVersion()), req.GetConfigJson()); err != nil {
		return nil, toStatus(err, ErrInvalid, "configure %s", s.cfg.Info.Name)
	}
	return &pb.ConfigureResponse{}, nil
}
