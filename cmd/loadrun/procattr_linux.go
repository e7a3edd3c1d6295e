package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel end a server loadrun started when loadrun itself ends, however it ends (a
// closed pipe, a signal): the servers never outlive the run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
