module libmarketing.dev/go/marketing

go 1.19
