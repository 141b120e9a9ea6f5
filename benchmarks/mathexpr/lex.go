package mathexpr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF     tokKind = iota
	tNum             // text: the literal, e.g. "3.25" or "1e-3"
	tVar             // text: a variable name, "x" or `\theta`
	tConst           // text: "pi", "e" or "inf"
	tFunc            // text: "sin", "ln", …
	tWord            // text: a word that can only be a unit ("cm", "square")
	tFrac            // \frac and friends
	tSqrt            // \sqrt, √
	tBinom           // \binom
	tOp              // text: one of + - * / ^ _ ( ) [ ] { } , | ! :
	tRel             // text: = < > <= >= != in
	tLSet            // \{
	tRSet            // \}
	tPercent         // % or \%
	tDegree          // ° ^\circ degrees
	tUnion           // \cup ∪
	tSep             // "and", "or", ";": separate list items like a comma
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the cleaned answer, for error messages
}

func (t token) is(kind tokKind, text string) bool { return t.kind == kind && t.text == text }

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of answer"
	case tNum, tVar, tConst, tFunc, tWord, tOp, tRel:
		return fmt.Sprintf("%q", t.text)
	}
	return [...]string{tFrac: `\frac`, tSqrt: `\sqrt`, tBinom: `\binom`, tLSet: `\{`, tRSet: `\}`,
		tPercent: "%", tDegree: "°", tUnion: `\cup`, tSep: "separator"}[t.kind]
}

// lexer turns a cleaned answer into tokens. LaTeX spacing and sizing
// commands vanish; \text{…} groups are lexed in text mode, where a run of
// letters is a word rather than a product of variables.
type lexer struct {
	src   string
	toks  []token
	depth int // nesting of \text groups being lexed
}

// lex also reports whether the answer used loose notation: a unit that was
// dropped, or a word separator (and, or, ;).
func lex(s string) (toks []token, loose bool, err error) {
	lx := &lexer{src: s, toks: make([]token, 0, len(s)/2+2)}
	if err := lx.run(0, len(s), false); err != nil {
		return nil, false, err
	}
	toks, loose = stripUnits(lx.toks)
	for _, t := range toks {
		loose = loose || t.kind == tSep
	}
	return append(toks, token{kind: tEOF, pos: len(s)}), loose, nil
}

func (lx *lexer) emit(kind tokKind, text string, pos int) {
	lx.toks = append(lx.toks, token{kind: kind, text: text, pos: pos})
}

func (lx *lexer) errorf(pos int, kind error, format string, args ...any) error {
	return fmt.Errorf("at byte %d of %q: %s: %w", pos, lx.src, fmt.Sprintf(format, args...), kind)
}

// run lexes src[i:end]; text selects text mode.
func (lx *lexer) run(i, end int, text bool) error {
	s := lx.src
	for i < end {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~' || c == '$' || c == '&':
			i++
		case isDigit(c) || c == '.' && i+1 < end && isDigit(s[i+1]):
			j := scanNumber(s, i, end)
			lx.emit(tNum, s[i:j], i)
			i = j
		case isLetter(c):
			j := i
			for j < end && isLetter(s[j]) {
				j++
			}
			if err := lx.word(s[i:j], i, text); err != nil {
				return err
			}
			i = j
		case c == '\\':
			j, err := lx.command(i, end, text)
			if err != nil {
				return err
			}
			i = j
		case c == '{' && isWordGroup(s, i, end):
			// {squareinches}, {degrees}: a braced word is text, so it can be
			// stripped as a unit (or read as a degree mark)
			close := matchBrace(s, i, end)
			lx.emit(tOp, "{", i)
			if err := lx.run(i+1, close, true); err != nil {
				return err
			}
			lx.emit(tOp, "}", close)
			i = close + 1
		case c < utf8.RuneSelf:
			j, err := lx.punct(i, end)
			if err != nil {
				return err
			}
			i = j
		default:
			r, n := utf8.DecodeRuneInString(s[i:end])
			if err := lx.unicode(r, i); err != nil {
				return err
			}
			i += n
		}
	}
	return nil
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// scanNumber reads digits, an optional fraction and an optional exponent
// ("1e5", "2.5E-3": an e directly followed by digits is an exponent, so
// "2e" is 2·e but "2e3" is 2000).
func scanNumber(s string, i, end int) int {
	for i < end && isDigit(s[i]) {
		i++
	}
	if i+1 < end && s[i] == '.' && isDigit(s[i+1]) {
		i++
		for i < end && isDigit(s[i]) {
			i++
		}
	} else if i < end && s[i] == '.' && (i+1 == end || !isLetter(s[i+1])) {
		i++ // "5." is 5; a trailing dot before a letter is punctuation
	}
	if i < end && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < end && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < end && isDigit(s[j]) {
			for j < end && isDigit(s[j]) {
				j++
			}
			return j
		}
	}
	return i
}

func (lx *lexer) punct(i, end int) (int, error) {
	s, c := lx.src, lx.src[i]
	two := ""
	if i+1 < end {
		two = s[i : i+2]
	}
	switch two {
	case "**":
		lx.emit(tOp, "^", i)
		return i + 2, nil
	case "<=", ">=", "!=", "==":
		lx.emit(tRel, map[string]string{"<=": "<=", ">=": ">=", "!=": "!=", "==": "="}[two], i)
		return i + 2, nil
	}
	switch c {
	case '+', '-', '*', '/', '^', '_', '(', ')', '[', ']', '{', '}', ',', '|', '!', ':':
		lx.emit(tOp, s[i:i+1], i)
	case '=', '<', '>':
		lx.emit(tRel, s[i:i+1], i)
	case '%':
		lx.emit(tPercent, "", i)
	case ';':
		lx.emit(tSep, "", i)
	default:
		return 0, lx.errorf(i, ErrUnsupported, "character %q", c)
	}
	return i + 1, nil
}

func (lx *lexer) unicode(r rune, pos int) error {
	switch r {
	case 'π':
		lx.emit(tConst, "pi", pos)
	case '∞':
		lx.emit(tConst, "inf", pos)
	case '×', '·', '⋅', '∙', '∗':
		lx.emit(tOp, "*", pos)
	case '÷', '∕':
		lx.emit(tOp, "/", pos)
	case '≤', '⩽':
		lx.emit(tRel, "<=", pos)
	case '≥', '⩾':
		lx.emit(tRel, ">=", pos)
	case '≠':
		lx.emit(tRel, "!=", pos)
	case '≈':
		lx.emit(tRel, "=", pos)
	case '∈':
		lx.emit(tRel, "in", pos)
	case '°', 'º':
		lx.emit(tDegree, "", pos)
	case '√':
		lx.emit(tSqrt, "", pos)
	case '∪':
		lx.emit(tUnion, "", pos)
	case '²', '³', '¹':
		lx.emit(tOp, "^", pos)
		lx.emit(tNum, map[rune]string{'²': "2", '³': "3", '¹': "1"}[r], pos)
	default:
		if name, ok := greekRunes[r]; ok {
			lx.emit(tVar, name, pos)
			return nil
		}
		return lx.errorf(pos, ErrUnsupported, "character %q", r)
	}
	return nil
}

// command lexes the LaTeX command at src[i] == '\\' and returns where
// lexing continues.
func (lx *lexer) command(i, end int, text bool) (int, error) {
	s := lx.src
	j := i + 1
	if j >= end {
		return 0, lx.errorf(i, ErrSyntax, "lone backslash")
	}
	if !isLetter(s[j]) { // one-character commands
		switch s[j] {
		case '{':
			lx.emit(tLSet, "", i)
		case '}':
			lx.emit(tRSet, "", i)
		case '%':
			lx.emit(tPercent, "", i)
		case ',', ';', ':', '!', ' ', '$', '\\', '>':
			// spacing, a currency sign, a line break: no meaning here
		default:
			return 0, lx.errorf(i, ErrUnsupported, `LaTeX command \%c`, s[j])
		}
		return j + 1, nil
	}
	for j < end && isLetter(s[j]) {
		j++
	}
	name := s[i+1 : j]
	switch name {
	case "frac", "dfrac", "tfrac", "cfrac":
		lx.emit(tFrac, "", i)
	case "sqrt":
		lx.emit(tSqrt, "", i)
	case "binom", "dbinom", "tbinom":
		lx.emit(tBinom, "", i)
	case "cdot", "times", "ast":
		lx.emit(tOp, "*", i)
	case "div":
		lx.emit(tOp, "/", i)
	case "pi":
		lx.emit(tConst, "pi", i)
	case "infty", "infin":
		lx.emit(tConst, "inf", i)
	case "circ", "degree":
		lx.emit(tDegree, "", i)
	case "lbrace":
		lx.emit(tLSet, "", i)
	case "rbrace":
		lx.emit(tRSet, "", i)
	case "cup":
		lx.emit(tUnion, "", i)
	case "le", "leq", "leqslant":
		lx.emit(tRel, "<=", i)
	case "ge", "geq", "geqslant":
		lx.emit(tRel, ">=", i)
	case "lt":
		lx.emit(tRel, "<", i)
	case "gt":
		lx.emit(tRel, ">", i)
	case "ne", "neq":
		lx.emit(tRel, "!=", i)
	case "approx", "simeq", "equiv":
		lx.emit(tRel, "=", i)
	case "in":
		lx.emit(tRel, "in", i)
	case "left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big", "bigg", "Bigg":
		if j < end && s[j] == '.' { // \left. is an invisible delimiter
			j++
		}
	case "displaystyle", "textstyle", "quad", "qquad", "boxed", "fbox", "limits", "cr":
		// layout only; \boxed's group then reads as plain grouping
	case "text", "textbf", "textit", "textrm", "textnormal", "mathrm", "mathbf", "mathit", "mathsf",
		"mbox", "operatorname", "mathnormal", "rm", "bf":
		return lx.textGroup(i, j, end)
	case "exp", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan",
		"sinh", "cosh", "tanh", "ln", "log", "lg":
		lx.emit(tFunc, name, i)
	default:
		if _, ok := greekNames[name]; ok {
			lx.emit(tVar, `\`+name, i)
			break
		}
		return 0, lx.errorf(i, ErrUnsupported, `LaTeX command \%s`, name)
	}
	return j, nil
}

// textGroup lexes \text{…} (and \mathrm{…}, …) at src[i:j] in text mode.
// Without braces (\rm x) only the command itself is skipped.
func (lx *lexer) textGroup(i, j, end int) (int, error) {
	s := lx.src
	for j < end && s[j] == ' ' {
		j++
	}
	if j >= end || s[j] != '{' {
		return j, nil
	}
	close := matchBrace(s, j, end)
	if close < 0 {
		return 0, lx.errorf(j, ErrSyntax, "unclosed brace after %s", s[i:j])
	}
	if lx.depth++; lx.depth > MaxDepth {
		return 0, lx.errorf(i, ErrTooDeep, "more than %d nested text groups", MaxDepth)
	}
	err := lx.run(j+1, close, true)
	lx.depth--
	return close + 1, err
}

// isWordGroup reports whether s[open] == '{' starts a group holding only
// letters and spaces that reads as words: a unit or degree word, or four
// letters or more (x^{ab} stays a product of variables).
func isWordGroup(s string, open, end int) bool {
	for i := open + 1; i < end; i++ {
		switch c := s[i]; {
		case c == '}':
			w := strings.ToLower(strings.TrimSpace(s[open+1 : i]))
			return len(w) >= 4 || unitWords[w] || degreeWords[w]
		case !isLetter(c) && c != ' ':
			return false
		}
	}
	return false
}

// matchBrace returns the index of the '}' closing the '{' at s[open], or -1.
// Escaped braces (\{, \}) do not count.
func matchBrace(s string, open, end int) int {
	depth := 0
	for i := open; i < end; i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// word lexes a run of ASCII letters. In math mode a short run is a product
// of one-letter variables ("xy"), known names are functions or constants,
// and unit words stay words; runs longer than three letters that are none
// of these are refused, so "cat" and "act" can never be called equal by
// accident of commutativity beyond three letters. In text mode a run of two
// or more letters is always a single word.
func (lx *lexer) word(w string, pos int, text bool) error {
	lw := strings.ToLower(w)
	switch {
	case lw == "and" || lw == "or":
		lx.emit(tSep, "", pos)
		return nil
	case lw == "pi":
		lx.emit(tConst, "pi", pos)
		return nil
	case lw == "inf" || lw == "infty" || lw == "infinity":
		lx.emit(tConst, "inf", pos)
		return nil
	case lw == "nan":
		return lx.errorf(pos, ErrUndefined, "%q is not a number", w)
	case lw == "sqrt":
		lx.emit(tSqrt, "", pos)
		return nil
	case degreeWords[lw]:
		lx.emit(tDegree, "", pos)
		return nil
	case plainFuncs[lw]:
		lx.emit(tFunc, lw, pos)
		return nil
	case len(w) >= 2 && (text || unitWords[lw]), text && textUnitLetters[w]:
		lx.emit(tWord, lw, pos)
		return nil
	}
	for _, f := range funcPrefixes { // "sinx" is \sin x
		if len(w) > len(f) && strings.HasPrefix(lw, f) {
			lx.emit(tFunc, f, pos)
			return lx.word(w[len(f):], pos+len(f), text)
		}
	}
	if len(w) > 3 {
		return lx.errorf(pos, ErrUnsupported, "word %q (only units and names of functions may be words)", w)
	}
	for k := 0; k < len(w); k++ {
		if w[k] == 'e' {
			lx.emit(tConst, "e", pos+k)
		} else {
			lx.emit(tVar, w[k:k+1], pos+k)
		}
	}
	return nil
}

var plainFuncs = map[string]bool{"sin": true, "cos": true, "tan": true, "cot": true, "sec": true, "csc": true,
	"arcsin": true, "arccos": true, "arctan": true, "sinh": true, "cosh": true, "tanh": true,
	"ln": true, "log": true, "exp": true, "abs": true}

// funcPrefixes split "sinx" into sin x; longest names first.
var funcPrefixes = []string{"arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "cot", "sec", "csc", "log", "exp", "ln"}

// textUnitLetters are one-letter units recognised only in text mode:
// 5\,\mathrm{m}^2, 3\text{ s}. In math mode a single letter is a variable.
var textUnitLetters = map[string]bool{"m": true, "g": true, "s": true, "l": true, "L": true, "h": true,
	"K": true, "N": true, "J": true, "W": true, "V": true}

var degreeWords = map[string]bool{"degree": true, "degrees": true, "deg": true}

// unitWords are dropped after a value (see stripUnits). Single letters are
// not units: "5 m" keeps m as a variable.
var unitWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`mm cm dm km nm um kg mg ml cl dl cc mph kph kmh
		inch inches ft feet foot yd yard yards mile miles meter meters metre metres
		unit units sq square cubic liter liters litre litres gram grams kilogram kilograms
		hr hrs hour hours min mins minute minutes secs second seconds day days week weeks
		month months year years dollar dollars cent cents rad rads radian radians lb lbs oz
		gal people persons times`) {
		m[w] = true
	}
	return m
}()

var greekNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`alpha beta gamma delta epsilon varepsilon zeta eta theta
		vartheta iota kappa lambda mu nu xi rho varrho sigma varsigma tau upsilon phi varphi chi
		psi omega Gamma Delta Theta Lambda Xi Sigma Upsilon Phi Psi Omega`) {
		m[w] = true
	}
	return m
}()

var greekRunes = map[rune]string{'α': `\alpha`, 'β': `\beta`, 'γ': `\gamma`, 'δ': `\delta`,
	'ε': `\epsilon`, 'ζ': `\zeta`, 'η': `\eta`, 'θ': `\theta`, 'λ': `\lambda`, 'μ': `\mu`,
	'ρ': `\rho`, 'σ': `\sigma`, 'τ': `\tau`, 'φ': `\phi`, 'ϕ': `\phi`, 'ω': `\omega`,
	'Δ': `\Delta`, 'Ω': `\Omega`}

// stripUnits removes unit phrases that follow a value and end an item:
// "5 cm", "3 km/h", "8\sqrt{3}\text{ square inches}", "12 \mathrm{cm}^2",
// and turns a braced degree mark "{degrees}" into a plain one. A phrase is a run of
// words, with '/' between words, '^' and a number after a word, and braces
// around words. A phrase anywhere else is left for the parser to refuse.
func stripUnits(toks []token) (out []token, stripped bool) {
	if !hasWordOrDegree(toks) {
		return toks, false
	}
	out = make([]token, 0, len(toks))
	for i := 0; i < len(toks); {
		if toks[i].is(tOp, "{") && i+2 < len(toks) && toks[i+1].kind == tDegree && toks[i+2].is(tOp, "}") {
			out = append(out, toks[i+1]) // 69{degrees}, ^{\circ} without the ^
			i += 3
			continue
		}
		j := unitPhraseEnd(toks, i)
		if j > i && len(out) > 0 && endsValue(out[len(out)-1]) && (j == len(toks) || endsItem(toks[j])) {
			i, stripped = j, true
			continue
		}
		out = append(out, toks[i])
		i++
	}
	return out, stripped
}

func hasWordOrDegree(toks []token) bool {
	for _, t := range toks {
		if t.kind == tWord || t.kind == tDegree {
			return true
		}
	}
	return false
}

// unitPhraseEnd returns the end of the unit phrase starting at i (i if none).
func unitPhraseEnd(toks []token, i int) int {
	j, words := i, 0
	for j < len(toks) {
		t := toks[j]
		switch {
		case t.kind == tWord:
			words++
			j++
		case t.is(tOp, "{") && j+2 < len(toks) && toks[j+1].kind == tWord && toks[j+2].is(tOp, "}"):
			words++
			j += 3
		case t.is(tOp, "^") && words > 0 && j+1 < len(toks) && toks[j+1].kind == tNum:
			j += 2
		case t.is(tOp, "/") && words > 0 && j+1 < len(toks) && (toks[j+1].kind == tWord || toks[j+1].kind == tVar):
			j += 2 // km/h, m/s: a one-letter unit only after '/'
			words++
		default:
			if words == 0 {
				return i
			}
			return j
		}
	}
	if words == 0 {
		return i
	}
	return j
}

func endsValue(t token) bool {
	switch t.kind {
	case tNum, tVar, tConst, tPercent, tDegree, tRSet:
		return true
	case tOp:
		return t.text == ")" || t.text == "]" || t.text == "}" || t.text == "|" || t.text == "!"
	}
	return false
}

func endsItem(t token) bool {
	switch t.kind {
	case tEOF, tRel, tSep, tRSet, tUnion, tPercent, tDegree:
		return true
	case tOp:
		return t.text == "," || t.text == ")" || t.text == "]" || t.text == "}"
	}
	return false
}
