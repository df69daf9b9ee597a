package tty

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

func isTerminal(fd uintptr) bool {
	var mode uint32
	return windows.GetConsoleMode(windows.Handle(fd), &mode) == nil
}

// SetKeySignals makes the console on standard input turn Ctrl-C into a
// signal (on) or pass it as a key (off): the console's processed input.
func SetKeySignals(on bool) {
	h := windows.Handle(os.Stdin.Fd())
	var mode uint32
	if windows.GetConsoleMode(h, &mode) != nil {
		return
	}
	if on {
		mode |= windows.ENABLE_PROCESSED_INPUT
	} else {
		mode &^= windows.ENABLE_PROCESSED_INPUT
	}
	windows.SetConsoleMode(h, mode)
}

func saveMode(fd uintptr) func() {
	var mode uint32
	if windows.GetConsoleMode(windows.Handle(fd), &mode) != nil {
		return nil
	}
	return func() { windows.SetConsoleMode(windows.Handle(fd), mode) }
}

var writeConsoleInput = windows.NewLazySystemDLL("kernel32.dll").NewProc("WriteConsoleInputW")

// inputRecord is the console's INPUT_RECORD holding a
// WINDOW_BUFFER_SIZE_RECORD.
type inputRecord struct {
	eventType uint16
	_         uint16
	size      windows.Coord
	_         [12]byte
}

const windowBufferSizeEvent = 0x0004

// Resized tells the line editor the console changed size, as the console
// itself does: a window-size event in the console's input, with the
// buffer's size as it is.
func Resized() {
	var info windows.ConsoleScreenBufferInfo
	if windows.GetConsoleScreenBufferInfo(windows.Handle(os.Stdout.Fd()), &info) != nil {
		return
	}
	rec := inputRecord{eventType: windowBufferSizeEvent, size: info.Size}
	var n uint32
	writeConsoleInput.Call(os.Stdin.Fd(), uintptr(unsafe.Pointer(&rec)), 1, uintptr(unsafe.Pointer(&n)))
}
