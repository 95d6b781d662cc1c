// The MPI boundary of the package: Open MPI's C interface (Debian's libopenmpi-dev). Only the
// MinsimDistributed module imports this. Open MPI's handles (MPI_COMM_WORLD, MPI_BYTE, …) are
// macros over addresses of library globals, which Swift cannot import; the inline functions
// below hand them over as values.
#ifndef MINSIM_CMPI_SHIM_H
#define MINSIM_CMPI_SHIM_H
#define OMPI_SKIP_MPICXX 1
#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
static inline int cmpi_any_source(void) { return MPI_ANY_SOURCE; }
static inline int cmpi_any_tag(void) { return MPI_ANY_TAG; }
static inline int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }
static inline MPI_Status *cmpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline int cmpi_status_source(const MPI_Status *status) { return status->MPI_SOURCE; }
static inline int cmpi_status_tag(const MPI_Status *status) { return status->MPI_TAG; }
#endif
