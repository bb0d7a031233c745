// Command barelist is the floor of the list benchmark: a bare Go loop
// fetching every page of GET /usergroup/get_all with net/http and
// encoding/json, one page after another.
//
//	barelist BASE_URL TOKEN PAGESIZE
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
)

type group struct {
	ID          string `json:"id"`
	AccountID   string `json:"accountId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	Deleted     bool   `json:"deleted"`
}

type page struct {
	Data  []group `json:"data"`
	Total int     `json:"total"`
}

func main() {
	base, token := os.Args[1], os.Args[2]
	size, _ := strconv.Atoi(os.Args[3])
	n := 0
	for p := 1; ; p++ {
		q := url.Values{"token": {token}, "page": {strconv.Itoa(p)}, "pagesize": {strconv.Itoa(size)}}
		resp, err := http.Get(base + "/usergroup/get_all?" + q.Encode())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var pg page
		err = json.NewDecoder(resp.Body).Decode(&pg)
		resp.Body.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n += len(pg.Data)
		if len(pg.Data) == 0 || p*size >= pg.Total {
			break
		}
	}
	fmt.Println(n)
}
