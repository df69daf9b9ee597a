package luabind

// readPortable fills in what a snapshot shows of a portable socket: its
// number only. net gives no queue lengths, TCP state or round-trip
// times, and the socket's net objects change under the runtime lock,
// which a snapshot does not hold here.
func (s *Socket) readPortable(ss *SocketState) {
	ss.FD = s.fd
}
