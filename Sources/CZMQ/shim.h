#ifndef SOAPLENS_CZMQ_SHIM_H
#define SOAPLENS_CZMQ_SHIM_H
#include <zmq.h>
#endif
