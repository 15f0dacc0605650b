/* floor.h - a manager that stores nothing, for measuring the cost every
 * operation pays outside the data structure (see floor.c).
 *
 * Usage:
 *
 *     uint64_t ticks, cpu;
 *     ivm_time_block(&ivm_floor_ops, &stream, &clock, &ticks, &cpu);
 *     // ivm_clock_ns(&clock, ticks) / measured operations: the floor
 */
#ifndef IVM_HARNESS_FLOOR_H
#define IVM_HARNESS_FLOOR_H

#include "ivm.h"

extern const struct ivm_ops ivm_floor_ops;

#endif /* IVM_HARNESS_FLOOR_H */
