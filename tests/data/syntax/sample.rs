#[derive(Debug)]
pub struct Point<'a> { x: i32, name: &'a str }
/* block
   comment */
fn main() -> Result<(), String> {
    let mut v: Vec<u8> = Vec::new();
    let s = "esc\"aped";
    let r = r#"raw "str""#;
    println!("{}", v.len() + 0xff_u32 as usize);
    Ok(())
}
