//! The brief's program, as a user's own tool would hold it: `Client::from_env` and the lazy
//! `stages` listing. `scripts/footprint.sh` builds it against a copy of the crate to measure
//! what the library costs a tool, apart from the `apigwv2` command's own code.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = apigwv2::Client::from_env()?;
    for stage in client.stages(std::env::args().nth(1).unwrap_or_default()) {
        let stage = stage?;
        println!("{} {:?}", stage.stage_name, stage.last_updated_date);
    }
    Ok(())
}
