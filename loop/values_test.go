package loop

import (
	"reflect"
	"testing"
)

type valueKey struct{ name string }

// TestValues: values are per loop, replaced by SetValue, removed by nil,
// and forgotten by Close.
func TestValues(t *testing.T) {
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	other, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a, b := valueKey{"a"}, valueKey{"b"}
	if l.Value(a) != nil {
		t.Fatal("value before SetValue")
	}
	l.SetValue(a, 1)
	l.SetValue(b, "x")
	l.SetValue(a, 2)
	if l.Value(a) != 2 || l.Value(b) != "x" || other.Value(a) != nil {
		t.Errorf("values %v %v, other loop %v", l.Value(a), l.Value(b), other.Value(a))
	}
	l.SetValue(b, nil)
	if l.Value(b) != nil {
		t.Errorf("removed value %v", l.Value(b))
	}
	l.Close()
	if l.Value(a) != nil {
		t.Errorf("value %v after Close", l.Value(a))
	}
}

// TestOnClose: Close runs the functions last first, before the poller
// goes and with the values still there; once, even if Close is called
// twice. After Close, OnClose runs its function at once.
func TestOnClose(t *testing.T) {
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	key := valueKey{"k"}
	l.SetValue(key, "v")
	var got []string
	l.OnClose(func() { got = append(got, "first") })
	l.OnClose(func() {
		got = append(got, "second:"+l.Value(key).(string))
		if l.RunOnce(false) != nil { // the loop still works
			got = append(got, "closed")
		}
		l.OnClose(func() { got = append(got, "late") })
	})
	if len(got) != 0 {
		t.Fatal("ran before Close")
	}
	l.Close()
	l.Close()
	if want := []string{"second:v", "late", "first"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ran %q, want %q", got, want)
	}
	l.OnClose(func() { got = append(got, "after") })
	if got[len(got)-1] != "after" {
		t.Errorf("OnClose after Close: %q", got)
	}
}
