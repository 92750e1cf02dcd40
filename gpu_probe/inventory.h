// Device inventory for the probe: what the CUDA runtime and, when the
// library is present, NVML report about each GPU (inventory.cc).
//
// Everything here is *reported* by the driver and can be faked by an
// interposed library (docs/attestation.md "Probe"); the engine treats it as
// a claim and relies on the measurements in benchmarks.h and, in
// confidential-computing mode, on the NVIDIA attestation report collected
// here with the engine's nonce.
//
// NVML is loaded with dlopen("libnvidia-ml.so.1"), so the probe neither
// links nor requires it. Thread safety: call from one thread.
#ifndef CLEARANCE_GPU_PROBE_INVENTORY_H_
#define CLEARANCE_GPU_PROBE_INVENTORY_H_

#include <cstdint>
#include <string>
#include <vector>

namespace clearance::probe {

struct DeviceInventory {
  int index = 0;  // CUDA ordinal
  // CUDA runtime.
  std::string name;
  std::string uuid;                // "GPU-xxxxxxxx-..."
  std::string compute_capability;  // "9.0"
  int sm_count = 0;
  std::uint64_t total_memory_bytes = 0;
  int l2_bytes = 0;
  int clock_mhz = 0;         // max SM clock
  int memory_clock_mhz = 0;  // max memory clock
  int memory_bus_width = 0;  // bits
  std::string pci_bus_id;    // "0000:18:00.0"
  // NVML (empty / 0 when NVML is absent or the query is unsupported).
  bool nvml = false;
  std::string nvml_name;
  std::string serial;
  std::string board_part_number;
  std::string vbios_version;
  std::uint32_t pci_device_id = 0;  // 0x233010DE: device << 16 | vendor
  std::uint32_t pci_subsystem_id = 0;
  int max_sm_clock_mhz = 0;
  int max_memory_clock_mhz = 0;
  std::uint64_t nvml_memory_total = 0;
  // Confidential computing: "on", "off", "devtools" or "" (unknown).
  std::string cc_mode;
  // SPDM attestation report and certificate chain, collected with the
  // engine's 32-byte nonce when cc_mode is "on"; hex / PEM, else empty.
  std::string attestation_report_hex;
  std::string attestation_cert_chain_pem;
};

struct HostInventory {
  std::string hostname;
  std::string driver_version;   // NVML, else CUDA driver API version
  int cuda_driver_version = 0;  // e.g. 12080
  int cuda_runtime_version = 0;
  bool nvml_loaded = false;
  std::vector<DeviceInventory> devices;
  std::string error;  // non-empty: no CUDA device could be enumerated
};

// Enumerates every CUDA device. `nonce` (32 bytes) is passed to NVML's
// attestation-report call for devices in confidential-computing mode.
HostInventory TakeInventory(const unsigned char* nonce32);

}  // namespace clearance::probe

#endif  // CLEARANCE_GPU_PROBE_INVENTORY_H_
