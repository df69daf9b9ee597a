//go:build darwin || windows

package luabind

import "encoding/binary"

// On macOS and Windows the portable backend reads an option by its type,
// as x/sys offers it: SO_LINGER as the system's linger (sysGetLinger), the
// others as an int. A script gets the bytes Linux's getsockopt gives.

// sysGetBytes gets an option as getsockopt's buffer, cut to buflen.
func sysGetBytes(h uintptr, level, opt, buflen int) ([]byte, error) {
	var b []byte
	if on, secs, isLinger, err := sysGetLinger(h, level, opt); isLinger {
		if err != nil {
			return nil, err
		}
		b = lingerBytes(on, secs)
	} else {
		v, err := sysGetInt(h, level, opt)
		if err != nil {
			return nil, err
		}
		b = sysIntBytes(v)
	}
	return b[:min(len(b), buflen)], nil
}

// lingerBytes is SO_LINGER's value as getsockopt gives it to a script:
// Linux's struct linger.
func lingerBytes(on, secs int32) []byte {
	b := make([]byte, 8)
	binary.NativeEndian.PutUint32(b, uint32(on))
	binary.NativeEndian.PutUint32(b[4:], uint32(secs))
	return b
}
