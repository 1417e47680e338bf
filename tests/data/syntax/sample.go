package main

import "fmt"

// Add adds.
func Add(a int, b float64) (int, error) {
	s := `raw
string`
	for i := 0; i < len(s); i++ {
		fmt.Println("x\t", nil, 3.14)
	}
	return a, nil
}
