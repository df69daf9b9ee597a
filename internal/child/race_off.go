//go:build !race

package child

import "os"

const raceDetector = false

func exit(status int) { os.Exit(status) }
