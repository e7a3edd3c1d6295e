//go:build !linux

package main

import "os/exec"

// dieWithParent does nothing where the kernel offers no parent-death signal; loadrun's own stop ends them.
func dieWithParent(*exec.Cmd) {}
