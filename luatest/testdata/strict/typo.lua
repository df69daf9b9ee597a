pirnt("hello")
