/* status.c - text for the status codes of status.h. */
#include "status.h"

const char *ibid_strerror(int status)
{
    switch (status) {
    case IBID_OK: return "success";
    case IBID_ENOMEM: return "out of memory";
    case IBID_EIO: return "input/output error";
    case IBID_ECORRUPT: return "index is corrupt or truncated";
    case IBID_EINVAL: return "invalid argument";
    case IBID_ELIMIT: return "size limit exceeded";
    case IBID_ENOENT: return "no such file";
    default: return "unknown error";
    }
}
