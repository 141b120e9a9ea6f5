package catalog

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/vlmlab/harness/harness/config"
	"github.com/vlmlab/harness/plugins/host"
)

// Check launches every plugin cfg declares, as a run would (the host refuses
// a wrong kind or API version, or a schema that does not compile), and checks
// each config block against the JSON Schema the plugin declares. Every
// problem names the plugin and sits at the config's file:line:column. A
// plugin whose executable does not exist yet (not built) is not a problem of
// the file: it comes back in notes, saying what could not be checked.
func (c *Catalog) Check(ctx context.Context, h *host.Host, cfg *config.Config) (ps config.Problems, notes []string) {
	for i, decl := range cfg.Plugins {
		e, ok := c.entries[decl.Name]
		if !ok {
			continue
		}
		at := fmt.Sprintf("plugins[%d]", i)
		if _, err := exec.LookPath(e.Spec.Command[0]); err != nil {
			notes = append(notes, cfg.ProblemAt(at, "plugin %s not checked: %v (build it, then check again)", decl.Name, err).String())
			continue
		}
		p, err := h.Launch(ctx, e.Spec)
		if err != nil {
			ps = append(ps, cfg.ProblemAt(at, "%v", err))
			continue
		}
		err = p.ValidateConfig(e.Config)
		p.Kill()
		var se *host.SchemaError
		switch {
		case errors.As(err, &se):
			for _, sp := range se.Problems {
				path, shown := at+".config", "the config block"
				if len(sp.Path) > 0 {
					path += configPath(sp.Path)
					shown = strings.Join(sp.Path, ".")
				}
				ps = append(ps, cfg.ProblemAt(path, "plugin %s: config %s: %s (the plugin's config schema)", decl.Name, shown, sp.Message))
			}
		case err != nil:
			ps = append(ps, cfg.ProblemAt(at+".config", "%v", err))
		}
	}
	return ps, notes
}

// configPath turns a schema location (["tags", "1"]) into a config field
// path suffix (".tags[1]").
func configPath(elems []string) string {
	var b strings.Builder
	for _, e := range elems {
		if e != "" && strings.Trim(e, "0123456789") == "" {
			b.WriteString("[" + e + "]")
		} else {
			b.WriteString("." + e)
		}
	}
	return b.String()
}
