package cookie

// months are the English month abbreviations, matched case-sensitively.
var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// dateScanner is a cursor over a date string. Each method consumes its
// token and returns true, or returns false; callers chain them with && and
// discard the scanner on the first false. The shapes of spec §14.2 never
// need backtracking: every choice is decided by the next byte or two.
type dateScanner struct {
	s string
	i int
}

// lit consumes the literal x.
func (p *dateScanner) lit(x string) bool {
	if len(p.s)-p.i < len(x) || p.s[p.i:p.i+len(x)] != x {
		return false
	}
	p.i += len(x)
	return true
}

// end reports whether the whole string has been consumed.
func (p *dateScanner) end() bool { return p.i == len(p.s) }

// weekday consumes an upper-case ASCII letter followed by two or more
// lower-case ones; the word itself is not checked.
func (p *dateScanner) weekday() bool {
	if p.i >= len(p.s) || !isUpper(p.s[p.i]) {
		return false
	}
	j := p.i + 1
	for j < len(p.s) && isLower(p.s[j]) {
		j++
	}
	if j-p.i < 3 {
		return false
	}
	p.i = j
	return true
}

// month consumes an English month abbreviation and stores its number 1-12.
func (p *dateScanner) month(m *int) bool {
	if len(p.s)-p.i < 3 {
		return false
	}
	for k, name := range months {
		if p.s[p.i:p.i+3] == name {
			*m = k + 1
			p.i += 3
			return true
		}
	}
	return false
}

// sep consumes "-" or " ".
func (p *dateScanner) sep() bool {
	if p.i < len(p.s) && (p.s[p.i] == '-' || p.s[p.i] == ' ') {
		p.i++
		return true
	}
	return false
}

// num consumes min to max ASCII digits (greedily) and stores their value.
func (p *dateScanner) num(min, max int, v *int) bool {
	n, j := 0, p.i
	for j < len(p.s) && j-p.i < max && isDigit(p.s[j]) {
		n = n*10 + int(p.s[j]-'0')
		j++
	}
	if j-p.i < min {
		return false
	}
	*v, p.i = n, j
	return true
}

// clock consumes "H[H]:M[M]:S[S]".
func (p *dateScanner) clock(f *dateFields) bool {
	return p.num(1, 2, &f.hour) && p.lit(":") && p.num(1, 2, &f.min) && p.lit(":") && p.num(1, 2, &f.sec)
}

// asctimeDay consumes the asctime day: a digit or space followed by a
// digit, or a single digit, whichever is followed by a space.
func (p *dateScanner) asctimeDay(d *int) bool {
	s, i := p.s, p.i
	if i+2 < len(s) && (isDigit(s[i]) || s[i] == ' ') && isDigit(s[i+1]) && s[i+2] == ' ' {
		*d = int(s[i+1] - '0')
		if s[i] != ' ' {
			*d += 10 * int(s[i]-'0')
		}
		p.i += 2
		return true
	}
	return p.num(1, 1, d)
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }
func isLower(b byte) bool { return 'a' <= b && b <= 'z' }
