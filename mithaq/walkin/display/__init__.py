"""The hall display: a public full-screen page kept live by Server-Sent Events."""
