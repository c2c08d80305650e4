#!/bin/bash
# bench/vm/bench-lib.sh at 8 devices
. ./bench-lib.sh
bench 8 each
finish
