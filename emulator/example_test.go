package emulator_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/clickscript/clickscript/clickapi"
	"github.com/clickscript/clickscript/emulator"
)

func ExampleNew() {
	e, err := emulator.New(emulator.Options{Token: "secret", Seed: "demo", Deterministic: true})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	srv := httptest.NewServer(e)
	defer srv.Close()

	resp, err := http.Get(srv.URL + clickapi.RouteGroups + "?token=secret&name=marketing&pagesize=2")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var page clickapi.Collection[clickapi.UserGroup]
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		log.Fatal(err)
	}
	for _, g := range page.Data {
		fmt.Println(g.ID, g.Name)
	}
	fmt.Println("total", page.Total, "stats", e.Stats())
	// Output:
	// 00000000-0000-4000-8000-000000000005 Marketing Americas
	// 00000000-0000-4000-8000-000000000006 Marketing APAC
	// total 3 stats {41 299 720}
}
