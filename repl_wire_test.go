package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The worker connection carries Lua strings and terminal input byte for
// byte, UTF-8 or not.
func TestWireTextKeepsEveryByte(t *testing.T) {
	want := workerReply{Op: repOut, Text: "caf\xe9 \xff\x00\x1b[2J é\n"}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(want); err != nil {
		t.Fatal(err)
	}
	var got workerReply
	if err := json.NewDecoder(&buf).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Text != want.Text {
		t.Errorf("got %q, want %q", got.Text, want.Text)
	}
}
