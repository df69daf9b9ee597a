package luatest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// JUnit XML, as classroom CI systems read it: a testsuite per test file,
// a testcase per test, its failures in one <failure> element.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the result as JUnit XML.
func (r *Result) WriteJUnit(w io.Writer) error {
	out := junitSuites{}
	var total time.Duration
	index := map[string]int{}
	durations := map[string]time.Duration{}
	for _, t := range r.Tests {
		i, ok := index[t.File]
		if !ok {
			i = len(out.Suites)
			index[t.File] = i
			out.Suites = append(out.Suites, junitSuite{Name: t.File})
		}
		s := &out.Suites[i]
		name := t.Name
		if name == "" {
			name = "(load)"
		}
		c := junitCase{Name: name, Classname: t.File, Time: seconds(t.Duration), SystemOut: t.Output}
		if !t.Passed() {
			msg, _, _ := strings.Cut(t.Failures[0], "\n")
			text := strings.Join(t.Failures, "\n")
			if t.Hint != "" {
				text += "\nhint: " + t.Hint
			}
			c.Failure = &junitFailure{Message: msg, Text: text}
			s.Failures++
			out.Failures++
		}
		s.Cases = append(s.Cases, c)
		s.Tests++
		out.Tests++
		durations[t.File] += t.Duration
		total += t.Duration
	}
	for i := range out.Suites {
		out.Suites[i].Time = seconds(durations[out.Suites[i].Name])
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
