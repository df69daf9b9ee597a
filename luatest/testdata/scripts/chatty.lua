-- A server whose first line is not the announcement.
print("hello there")
sleep(60)
