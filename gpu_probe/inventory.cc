// Device inventory (inventory.h): CUDA runtime properties plus NVML loaded
// at run time. NVML types are declared here from the documented R535+ ABI
// (nvml.h is not part of the CUDA toolkit install), limited to the calls
// used.
#include "gpu_probe/inventory.h"

#include <cuda_runtime.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace clearance::probe {
namespace {

using NvmlReturn = int;  // NVML_SUCCESS == 0
using NvmlDevice = struct NvmlDeviceOpaque*;

struct NvmlPciInfo {  // nvmlPciInfo_t (v3)
  char bus_id_legacy[16];
  unsigned int domain, bus, device, pci_device_id, pci_subsystem_id;
  char bus_id[32];
};
struct NvmlMemory {  // nvmlMemory_t
  unsigned long long total, free, used;
};
struct NvmlCcState {  // nvmlConfComputeSystemState_t
  unsigned int environment, cc_feature, dev_tools_mode;
};
struct NvmlAttestationReport {  // nvmlConfComputeGpuAttestationReport_t
  unsigned int is_cec_report_present;
  unsigned int report_size;
  unsigned int cec_report_size;
  unsigned char nonce[32];
  unsigned char report[0x2000];
  unsigned char cec_report[0x1000];
};
struct NvmlCertificate {  // nvmlConfComputeGpuCertificate_t
  unsigned int cert_chain_size;
  unsigned int attestation_cert_chain_size;
  unsigned char cert_chain[0x1000];
  unsigned char attestation_cert_chain[0x1400];
};

class Nvml {
 public:
  Nvml() {
    handle_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle_) return;
    Load(init_, "nvmlInit_v2");
    Load(shutdown_, "nvmlShutdown");
    Load(driver_version_, "nvmlSystemGetDriverVersion");
    Load(by_bus_id_, "nvmlDeviceGetHandleByPciBusId_v2");
    Load(name_, "nvmlDeviceGetName");
    Load(serial_, "nvmlDeviceGetSerial");
    Load(part_number_, "nvmlDeviceGetBoardPartNumber");
    Load(vbios_, "nvmlDeviceGetVbiosVersion");
    Load(pci_, "nvmlDeviceGetPciInfo_v3");
    Load(max_clock_, "nvmlDeviceGetMaxClockInfo");
    Load(memory_, "nvmlDeviceGetMemoryInfo");
    Load(cc_state_, "nvmlSystemGetConfComputeState");
    Load(report_, "nvmlDeviceGetConfComputeGpuAttestationReport");
    Load(certificate_, "nvmlDeviceGetConfComputeGpuCertificate");
    ok_ = init_ && by_bus_id_ && init_() == 0;
  }
  ~Nvml() {
    if (ok_ && shutdown_) shutdown_();
    if (handle_) dlclose(handle_);
  }
  bool ok() const { return ok_; }

  std::string DriverVersion() {
    char buf[96] = {};
    return driver_version_ && driver_version_(buf, sizeof buf) == 0 ? buf : "";
  }

  std::string CcMode() {
    NvmlCcState s{};
    if (!cc_state_ || cc_state_(&s) != 0) return "";
    if (s.cc_feature == 0) return "off";
    return s.dev_tools_mode ? "devtools" : "on";
  }

  void Fill(DeviceInventory& d, const unsigned char* nonce32,
            const std::string& cc_mode) {
    NvmlDevice dev = nullptr;
    if (by_bus_id_(d.pci_bus_id.c_str(), &dev) != 0) return;
    d.nvml = true;
    d.nvml_name = Str(name_, dev);
    d.serial = Str(serial_, dev);
    d.board_part_number = Str(part_number_, dev);
    d.vbios_version = Str(vbios_, dev);
    NvmlPciInfo pci{};
    if (pci_ && pci_(dev, &pci) == 0) {
      d.pci_device_id = pci.pci_device_id;
      d.pci_subsystem_id = pci.pci_subsystem_id;
    }
    unsigned int mhz = 0;
    if (max_clock_ && max_clock_(dev, 1 /* SM */, &mhz) == 0) {
      d.max_sm_clock_mhz = static_cast<int>(mhz);
    }
    if (max_clock_ && max_clock_(dev, 2 /* MEM */, &mhz) == 0) {
      d.max_memory_clock_mhz = static_cast<int>(mhz);
    }
    NvmlMemory mem{};
    if (memory_ && memory_(dev, &mem) == 0) d.nvml_memory_total = mem.total;
    d.cc_mode = cc_mode;
    if (cc_mode == "on" && report_ && certificate_) {
      // Large structs: keep them off the stack.
      auto report = std::make_unique<NvmlAttestationReport>();
      std::memcpy(report->nonce, nonce32, 32);
      if (report_(dev, report.get()) == 0 &&
          report->report_size <= sizeof report->report) {
        static const char kHex[] = "0123456789abcdef";
        for (unsigned int i = 0; i < report->report_size; ++i) {
          d.attestation_report_hex += kHex[report->report[i] >> 4];
          d.attestation_report_hex += kHex[report->report[i] & 15];
        }
      }
      auto cert = std::make_unique<NvmlCertificate>();
      if (certificate_(dev, cert.get()) == 0 &&
          cert->attestation_cert_chain_size <=
              sizeof cert->attestation_cert_chain) {
        d.attestation_cert_chain_pem.assign(
            reinterpret_cast<const char*>(cert->attestation_cert_chain),
            cert->attestation_cert_chain_size);
      }
    }
  }

 private:
  template <typename F>
  void Load(F& fn, const char* symbol) {
    fn = reinterpret_cast<F>(dlsym(handle_, symbol));
  }
  static std::string Str(NvmlReturn (*fn)(NvmlDevice, char*, unsigned int),
                         NvmlDevice dev) {
    char buf[256] = {};
    return fn && fn(dev, buf, sizeof buf) == 0 ? buf : "";
  }

  void* handle_ = nullptr;
  bool ok_ = false;
  NvmlReturn (*init_)() = nullptr;
  NvmlReturn (*shutdown_)() = nullptr;
  NvmlReturn (*driver_version_)(char*, unsigned int) = nullptr;
  NvmlReturn (*by_bus_id_)(const char*, NvmlDevice*) = nullptr;
  NvmlReturn (*name_)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*serial_)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*part_number_)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*vbios_)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*pci_)(NvmlDevice, NvmlPciInfo*) = nullptr;
  NvmlReturn (*max_clock_)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*memory_)(NvmlDevice, NvmlMemory*) = nullptr;
  NvmlReturn (*cc_state_)(NvmlCcState*) = nullptr;
  NvmlReturn (*report_)(NvmlDevice, NvmlAttestationReport*) = nullptr;
  NvmlReturn (*certificate_)(NvmlDevice, NvmlCertificate*) = nullptr;
};

std::string FormatUuid(const cudaUUID_t& uuid) {
  const auto* b = reinterpret_cast<const unsigned char*>(uuid.bytes);
  char out[48];
  std::snprintf(out, sizeof out,
                "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                "%02x%02x%02x%02x%02x%02x",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
                b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

int Attribute(cudaDeviceAttr attr, int device) {
  int v = 0;
  return cudaDeviceGetAttribute(&v, attr, device) == cudaSuccess ? v : 0;
}

}  // namespace

HostInventory TakeInventory(const unsigned char* nonce32) {
  HostInventory host;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0) host.hostname = name;
  cudaDriverGetVersion(&host.cuda_driver_version);
  cudaRuntimeGetVersion(&host.cuda_runtime_version);
  int count = 0;
  if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess) {
    host.error = std::string("cudaGetDeviceCount: ") + cudaGetErrorString(e);
    return host;
  }
  Nvml nvml;
  host.nvml_loaded = nvml.ok();
  host.driver_version = nvml.ok() ? nvml.DriverVersion() : "";
  const std::string cc_mode = nvml.ok() ? nvml.CcMode() : "";
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
    DeviceInventory d;
    d.index = i;
    d.name = p.name;
    d.uuid = FormatUuid(p.uuid);
    d.compute_capability =
        std::to_string(p.major) + "." + std::to_string(p.minor);
    d.sm_count = p.multiProcessorCount;
    d.total_memory_bytes = p.totalGlobalMem;
    d.l2_bytes = p.l2CacheSize;
    d.clock_mhz = Attribute(cudaDevAttrClockRate, i) / 1000;
    d.memory_clock_mhz = Attribute(cudaDevAttrMemoryClockRate, i) / 1000;
    d.memory_bus_width = Attribute(cudaDevAttrGlobalMemoryBusWidth, i);
    char bus[32] = {};
    if (cudaDeviceGetPCIBusId(bus, sizeof bus, i) == cudaSuccess) {
      d.pci_bus_id = bus;
    }
    if (nvml.ok()) nvml.Fill(d, nonce32, cc_mode);
    host.devices.push_back(std::move(d));
  }
  return host;
}

}  // namespace clearance::probe
