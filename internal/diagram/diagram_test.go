package diagram

import "testing"

func TestReplace(t *testing.T) {
	got, err := Replace("a\n"+Begin+"\nold\n"+End+"\nb\n", "stateDiagram-v2\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "a\n" + Begin + "\n```mermaid\nstateDiagram-v2\n```\n" + End + "\nb\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := Replace("no markers", "x"); err == nil {
		t.Fatal("a document without markers must be an error")
	}
}
