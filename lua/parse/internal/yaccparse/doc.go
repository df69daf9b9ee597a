// Package yaccparse is gopher-lua v1.1.2's goyacc parser and lexer, kept
// unchanged as the reference the hand-written parser of package parse is
// tested against: every program both accept must give the same syntax tree
// (parse_test.go, FuzzParseMatchesYacc). Only tests import it. Its unused
// Dump is removed: package parse has the one the API exports.
package yaccparse
