use tarsier::core::seccomp::{builtin::ALL, evaluate, summarize, Context, Arch, KernelVersion};
use tarsier::core::caps::{CapSet, DOCKER_DEFAULT};
#[test]
fn probe() {
    for b in ALL {
        let p = b.profile().unwrap();
        for (arch, caps) in [(Arch::X86_64, DOCKER_DEFAULT), (Arch::X86_64, DOCKER_DEFAULT.with(21)), (Arch::X86_64, CapSet(0)), (Arch::Aarch64, CapSet((1u64<<41)-1))] {
          for k in [KernelVersion::new(4,4), KernelVersion::new(6,8)] {
            let e = evaluate(&p, &Context::new(arch, k, caps));
            println!("== {} {} {:x} {}  enosys>{:?} warnings {:?}", b.as_str(), arch, caps.0, k, e.runc_enosys_above, e.warnings);
            for n in ["clone","clone3","unshare","mount","bpf","perf_event_open","ptrace","personality","socket","io_uring_setup","arch_prctl","kexec_load"] {
                match e.verdict(n) { Some(v) => println!("  {n}: {} errno={:?} cond={} rule={:?} | {}", v.action, v.errno, v.conditional, v.rule, v.explanation), None => println!("  {n}: absent") }
            }
            println!("  SUMMARY {}", summarize(&e).text);
          }
        }
        println!("not on arch {:?} unknown {:?}", evaluate(&p, &Context::docker_default()).not_on_arch.len(), evaluate(&p, &Context::docker_default()).unknown_names);
    }
}
