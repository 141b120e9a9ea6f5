package evaluate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vlmlab/harness/plugins/sdk"
)

// Gaps is what a score does not rest on: items that had no response in the
// predictions, and items whose answer neither the rules nor the judge
// could extract. Both are scored wrong, so a report with gaps understates
// the model unless the user meant it.
type Gaps struct {
	Items      int      // items in the data file
	Missing    []string // ids of items with no response, sorted
	Unresolved int      // items scored on the unresolved path
	Judge      string   // the judge model, "" when none was configured
}

// FindGaps compares the dataset's items with the responses given and the
// report's unresolved count.
func FindGaps(items []sdk.Item, responses []sdk.Response, rep *sdk.Report) Gaps {
	have := make(map[string]bool, len(responses))
	for _, r := range responses {
		have[r.ItemID] = true
	}
	g := Gaps{Items: len(items), Judge: rep.Judge}
	missing := map[string]bool{}
	for _, it := range items {
		if !have[it.ID] {
			g.Missing = append(g.Missing, it.ID)
			missing[it.ID] = true
		}
	}
	sort.Strings(g.Missing)
	// Evaluators count an item without a response as unresolved too; it
	// is counted once, as missing.
	if len(rep.Items) == 0 {
		g.Unresolved = max(0, rep.Unresolved-len(g.Missing))
		return g
	}
	for _, it := range rep.Items {
		if sdk.IsUnresolved(it.Path) && !missing[it.ID] {
			g.Unresolved++
		}
	}
	return g
}

// Check returns an error summarising the gaps the user did not allow:
// missing responses without allowPartial, and items a configured judge left
// unresolved without allowUnresolved (a working judge resolves them, so
// many unresolved items mean a broken judge or endpoint). With no judge,
// unresolved items are the user's choice and only Note mentions them.
func (g Gaps) Check(allowPartial, allowUnresolved bool) error {
	var problems []string
	if n := len(g.Missing); n > 0 && !allowPartial {
		ids := g.Missing
		more := ""
		if len(ids) > 5 {
			ids, more = ids[:5], fmt.Sprintf(" and %d more", n-5)
		}
		problems = append(problems, fmt.Sprintf("%d of %d items have no response in the predictions (%s%s); pass --allow-partial to score them as wrong (the report says partial)", n, g.Items, strings.Join(ids, ", "), more))
	}
	if g.Unresolved > 0 && g.Judge != "" && !allowUnresolved {
		problems = append(problems, fmt.Sprintf("%d of %d items are unresolved: the judge %s gave no usable answer for them (scored wrong); check the judge's endpoint and model, or pass --allow-unresolved to accept the score", g.Unresolved, g.Items, g.Judge))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("the score is incomplete: %s", strings.Join(problems, "; "))
}

// Note is a line for the user about gaps Check lets pass ("" when none).
func (g Gaps) Note() string {
	var parts []string
	if n := len(g.Missing); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d items had no response (scored wrong; the report says partial)", n, g.Items))
	}
	if g.Unresolved > 0 {
		why := "no judge configured"
		if g.Judge != "" {
			why = "the judge " + g.Judge + " gave no usable answer"
		}
		parts = append(parts, fmt.Sprintf("%d of %d items unresolved (%s; scored wrong)", g.Unresolved, g.Items, why))
	}
	return strings.Join(parts, "; ")
}
