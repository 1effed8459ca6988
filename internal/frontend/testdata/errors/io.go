package errors

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/geobacter-go/geobacter/kernel"
)

// Println calls the builtin println.
type Println struct{ Out []int32 }

func (k *Println) Kernel(it kernel.Item) {
	println(it.GlobalID(0)) // ERROR "println does I/O"
}

// Print calls the builtin print.
type Print struct{ Out []int32 }

func (k *Print) Kernel(it kernel.Item) {
	print(k.Out[0]) // ERROR "print does I/O"
}

// Fmt prints with fmt.
type Fmt struct{ Out []int32 }

func (k *Fmt) Kernel(it kernel.Item) {
	fmt.Println("hello") // ERROR "fmt.Println does I/O" "fmt.Println does I/O|interface values are not supported"
}

// Log logs.
type Log struct{ Out []int32 }

func (k *Log) Kernel(it kernel.Item) {
	if it.GlobalID(0) == 0 {
		log.Print() // ERROR "log.Print does I/O"
	}
}

// OsExit exits the process.
type OsExit struct{ Out []int32 }

func (k *OsExit) Kernel(it kernel.Item) {
	if it.GlobalID(0) > 100 {
		os.Exit(1) // ERROR "os.Exit does I/O"
	}
}

// TimeNow reads the clock.
type TimeNow struct{ Out []int64 }

func (k *TimeNow) Kernel(it kernel.Item) {
	k.Out[it.GlobalID(0)] = time.Now().UnixNano() // ERROR "time.Now does I/O" "time.Time\).UnixNano does I/O"
}
