module hook-runner.example/requester-note

go 1.24
