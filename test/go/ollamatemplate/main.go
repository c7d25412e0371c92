// Command ollamatemplate renders Ollama Modelfile TEMPLATEs with Go's own text/template, the way Ollama executes a
// chat template (ollama/template: parsed with missingkey=zero and its `json` function; messages collated, i.e.
// consecutive messages of one role joined by a blank line and the system messages gathered into .System; executed
// with .Messages, .System, .Tools, .Response ""), so that the tests compare the real Go semantics with the model's
// real chat template. One JSON request per input line: {"template": "...", "messages": [{"role", "content"}]};
// one JSON line out: {"text": "..."} or {"error": "..."}.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"text/template"
)

// Message is what a template sees of a chat message (.Role, .Content).
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type request struct {
	Template string    `json:"template"`
	Messages []Message `json:"messages"`
}

type response struct {
	Text  *string `json:"text,omitempty"`
	Error string  `json:"error,omitempty"`
}

var funcs = template.FuncMap{
	"json": func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	},
}

// collate joins consecutive messages of one role (tool messages excepted) and gathers the system messages.
func collate(msgs []Message) (string, []*Message) {
	var system []string
	var out []*Message
	for i := range msgs {
		m := msgs[i]
		if m.Role == "system" {
			system = append(system, m.Content)
		}
		if n := len(out); n > 0 && out[n-1].Role == m.Role && m.Role != "tool" {
			out[n-1].Content += "\n\n" + m.Content
		} else {
			out = append(out, &m)
		}
	}
	return strings.Join(system, "\n\n"), out
}

func render(req request) (string, error) {
	tmpl, err := template.New("").Option("missingkey=zero").Funcs(funcs).Parse(req.Template)
	if err != nil {
		return "", err
	}
	system, messages := collate(req.Messages)
	var b bytes.Buffer
	err = tmpl.Execute(&b, map[string]any{"System": system, "Messages": messages, "Tools": nil, "Response": "", "Think": false, "IsThinkSet": false})
	return b.String(), err
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		var res response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			res.Error = err.Error()
		} else if text, err := render(req); err != nil {
			res.Error = err.Error()
		} else {
			res.Text = &text
		}
		if err := out.Encode(res); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
