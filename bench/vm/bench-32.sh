#!/bin/bash
# bench/vm/bench-lib.sh at 32 devices
. ./bench-lib.sh
bench 32 each
finish
