package answer

import "strings"

// boxCommands open a box whose content is the answer.
var boxCommands = [...]string{`\boxed{`, `\fbox{`}

// LastBoxed returns the content of the \boxed{…} (or \fbox{…}) group that
// closes last in s, with nested braces kept, and ok=false when no box is
// complete. Escaped braces \{ and \} do not count as grouping, so
// \boxed{\{1,2\}} gives \{1,2\}. A box whose content is itself exactly one box
// is unwrapped (\boxed{\boxed{5}} gives 5). A box left unclosed (a truncated
// response) does not hide complete boxes inside it. One pass, linear time.
func LastBoxed(s string) (content string, ok bool) {
	for {
		c, found := lastBoxedOnce(s)
		if !found {
			return content, ok
		}
		content, ok = c, true
		if !isOneBox(c) {
			return content, ok
		}
		s = c
	}
}

func isOneBox(s string) bool {
	s = strings.TrimSpace(s)
	for _, cmd := range boxCommands {
		if strings.HasPrefix(s, cmd) && strings.HasSuffix(s, "}") {
			end, ok := matchBrace(s, len(cmd)-1)
			return ok && end == len(s)-1
		}
	}
	return false
}

// matchBrace returns the index of the '}' closing the '{' at open.
func matchBrace(s string, open int) (int, bool) {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // skip the escaped character
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i, true
			}
		}
	}
	return 0, false
}

func lastBoxedOnce(s string) (string, bool) {
	type group struct {
		open int  // index of '{'
		box  bool // opened by a box command
	}
	var stack []group
	content, ok := "", false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			isBox := false
			for _, cmd := range boxCommands {
				if strings.HasPrefix(s[i:], cmd) {
					stack = append(stack, group{open: i + len(cmd) - 1, box: true})
					i += len(cmd) - 1
					isBox = true
					break
				}
			}
			if !isBox {
				i++ // \{ \} \\ are not grouping
			}
		case '{':
			stack = append(stack, group{open: i})
		case '}':
			if len(stack) == 0 {
				continue // stray closing brace
			}
			g := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if g.box {
				content, ok = s[g.open+1:i], true
			}
		}
	}
	return content, ok
}
