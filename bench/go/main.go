// textproto-bench: Go's net/textproto on the same input as smtp-bench.
//
//	textproto-bench FILE [--replies|--commands]
//
// Replies are read with Reader.ReadResponse(0) (what net/smtp uses), commands
// with Reader.ReadLine, and DATA content with Reader.DotReader. The input is
// read into memory first; best of 3 runs; prints
// MB/s=<n> items/s=<n> items=<n>.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"strings"
	"time"
)

func parseReplies(data []byte) (int, error) {
	r := textproto.NewReader(bufio.NewReaderSize(bytes.NewReader(data), 65536))
	n := 0
	for {
		_, _, err := r.ReadResponse(0)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

func parseCommands(data []byte) (int, error) {
	r := textproto.NewReader(bufio.NewReaderSize(bytes.NewReader(data), 65536))
	n := 0
	for {
		line, err := r.ReadLine()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		if strings.EqualFold(line, "DATA") {
			if _, err := io.Copy(io.Discard, r.DotReader()); err != nil {
				return n, err
			}
			n++
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: textproto-bench FILE [--replies|--commands]")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	replies := len(data) >= 3 && data[0] >= '2' && data[0] <= '5'
	for _, arg := range os.Args[2:] {
		switch arg {
		case "--replies":
			replies = true
		case "--commands":
			replies = false
		}
	}
	parse := parseCommands
	if replies {
		parse = parseReplies
	}
	best := time.Duration(0)
	items := 0
	for run := 0; run < 3; run++ {
		start := time.Now() // monotonic
		items, err = parse(data)
		elapsed := time.Since(start)
		if err != nil {
			fmt.Fprintln(os.Stderr, "textproto-bench:", err)
			os.Exit(1)
		}
		if run == 0 || elapsed < best {
			best = elapsed
		}
	}
	s := best.Seconds()
	fmt.Printf("MB/s=%.1f items/s=%.0f items=%d\n", float64(len(data))/1e6/s, float64(items)/s, items)
}
