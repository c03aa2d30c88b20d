// A classic SecureChange script as a hook-runner command hook, in Go.
//
// It reads SCW_EVENT and the <ticket_info> document on standard input and
// prints a <hook_result> document that notes who requested the ticket and
// on which step the event happened. Build it as a WASI preview1 program:
//
//	GOOS=wasip1 GOARCH=wasm go build -o requester-note.wasm .
package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
)

type ticketInfo struct {
	ID        uint64 `xml:"id"`
	Subject   string `xml:"subject"`
	Requester struct {
		DisplayName string `xml:"display_name"`
	} `xml:"requester"`
	CurrentStage struct {
		Name string `xml:"name"`
	} `xml:"current_stage"`
}

type field struct {
	Name  string `xml:"name,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Value string `xml:",chardata"`
}

type hookResult struct {
	XMLName  xml.Name `xml:"hook_result"`
	Fields   []field  `xml:"field"`
	Comments []string `xml:"comment"`
}

func main() {
	input, err := io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	if err != nil {
		fmt.Fprintf(os.Stderr, "failed to read the ticket info: %v\n", err)
		os.Exit(2)
	}
	var info ticketInfo
	if err := xml.Unmarshal(input, &info); err != nil || info.ID == 0 {
		fmt.Fprintf(os.Stderr, "the ticket info on standard input is invalid: %v\n", err)
		os.Exit(2)
	}

	note := fmt.Sprintf("Requested by %s; %s on step %s.",
		info.Requester.DisplayName, os.Getenv("SCW_EVENT"), info.CurrentStage.Name)
	result := hookResult{
		Fields:   []field{{Name: "Risk Reason", Value: note}},
		Comments: []string{fmt.Sprintf("Ticket %d (%s) noted by the Go command hook.", info.ID, info.Subject)},
	}
	encoded, err := xml.MarshalIndent(result, "", "  ")
	if err != nil {
		fmt.Fprintf(os.Stderr, "failed to encode the result: %v\n", err)
		os.Exit(1)
	}
	os.Stdout.Write(append(encoded, '\n'))
}
