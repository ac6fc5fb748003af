// SPDX-License-Identifier: MIT

package marketing

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	var major, minor, patch int
	if _, err := fmt.Sscanf(Version(), "%d.%d.%d", &major, &minor, &patch); err != nil {
		t.Fatalf("Version() = %q: %v", Version(), err)
	}
	if VersionNumber() != major*10000+minor*100+patch {
		t.Fatalf("VersionNumber() = %d, Version() = %s", VersionNumber(), Version())
	}
}

func TestStrerrorAndCodes(t *testing.T) {
	if Strerror(ErrNotFound) == Strerror(ErrParse) {
		t.Fatal("distinct codes share a text")
	}
	if Code(-12345).Error() != "unknown status" {
		t.Fatalf("unknown code text %q", Code(-12345).Error())
	}
	e := &Error{Code: ErrConflict, Message: "m", Cause: os.ErrClosed}
	if !errors.Is(e, ErrConflict) || errors.Is(e, ErrNotFound) {
		t.Fatal("errors.Is against codes")
	}
	if !errors.Is(e, &Error{Code: ErrConflict}) {
		t.Fatal("errors.Is against *Error of the same code")
	}
	if !errors.Is(e, os.ErrClosed) {
		t.Fatal("Unwrap does not reach the cause")
	}
	if codeOf(fmt.Errorf("wrapped: %w", ErrLimit)) != -6 || codeOf(errors.New("x")) != -9 ||
		codeOf(&Error{Code: ErrIO}) != -8 || codeOf(nil) != 0 {
		t.Fatal("codeOf mapping")
	}
}

// publicFunctions parses the declarations of the public headers.
func publicFunctions(t *testing.T) []string {
	dir := os.Getenv("LIBMARKETING_INCLUDE_DIR")
	if dir == "" {
		dir = "../../include"
	}
	files, err := filepath.Glob(filepath.Join(dir, "libmarketing", "*.h"))
	if err != nil || len(files) == 0 {
		t.Skipf("no headers under %s", dir)
	}
	comments := regexp.MustCompile(`(?s)/\*.*?\*/`)
	decl := regexp.MustCompile(`(?m)^([A-Za-z_][\w \t\*]*?)\b(mkt_\w+)\s*\(`)
	var names []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := comments.ReplaceAllString(string(b), "")
		for _, m := range decl.FindAllStringSubmatch(text, -1) {
			if !strings.HasPrefix(m[1], "typedef") && !strings.HasPrefix(m[1], "#") {
				names = append(names, m[2])
			}
		}
	}
	return names
}

// TestEveryPublicFunctionIsBound checks that each function of the headers is called from the
// binding's sources (Go through C.name, or shim.c).
func TestEveryPublicFunctionIsBound(t *testing.T) {
	names := publicFunctions(t)
	if len(names) < 50 {
		t.Fatalf("only %d declarations parsed", len(names))
	}
	var src strings.Builder
	files, _ := filepath.Glob("*.go")
	files = append(files, "shim.c")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	all := src.String()
	for _, n := range names {
		if !strings.Contains(all, "C."+n+"(") && !strings.Contains(all, " "+n+"(") {
			t.Errorf("%s is not bound", n)
		}
	}
}
