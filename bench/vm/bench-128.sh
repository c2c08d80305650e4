#!/bin/bash
# bench/vm/bench-lib.sh at 128 devices
. ./bench-lib.sh
bench 128
idle_only 256 2M
finish
