/* status.c - names and messages of the status codes, from IVM_STATUS_MAP. */
#include "ivm.h"

const char *ivm_errname(int status) {
  switch (status) {
    case IVM_OK: return "OK";
#define IVM_NAME_CASE(name, value, text) \
  case IVM_##name: return #name;
    IVM_STATUS_MAP(IVM_NAME_CASE)
#undef IVM_NAME_CASE
    default: return "UNKNOWN";
  }
}

const char *ivm_strerror(int status) {
  switch (status) {
    case IVM_OK: return "success";
#define IVM_TEXT_CASE(name, value, text) \
  case IVM_##name: return text;
    IVM_STATUS_MAP(IVM_TEXT_CASE)
#undef IVM_TEXT_CASE
    default: return "unknown status";
  }
}
