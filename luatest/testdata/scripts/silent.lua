-- A "server" that never announces itself.
sleep(60)
